"""The clues demo step loaded on its own (the timeline did not run its stories): every
state, the newest waiting intake clue items taken over, 工作提示单 answered, open and
overdue, the clues' audit log in date order, and a second run changes nothing. (On the
inspections' timeline: inspections/tests/test_demo_district.py.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaoan.clues.demo import TAKE_OVER_DAYS_AGO, load_demo
from yaoan.clues.enums import ClueSource, ClueStatus
from yaoan.clues.models import Clue, OnlineSalesPush
from yaoan.clues.workflow import PROMPT, VERIFICATION
from yaoan.core.demo import clock
from yaoan.core.models import AuditEvent, Deadline, DeadlineExtension, User
from yaoan.intake.enums import IntakeStatus
from yaoan.intake.models import IntakeItem
from yaoan.intake.services import submit_intake
from yaoan.registry import demo as registry_demo
from yaoan.registry.models import Entity

pytestmark = pytest.mark.django_db


def _report_sent_to_clue(days_ago: int, n: int) -> IntakeItem:
    """A report the complaints module sent "to clue" that many days ago."""
    entity = Entity.objects.filter(subdistrict__station__code="qj-station-jiangcheng").first()
    with clock.at(timezone.localdate() - dt.timedelta(days=days_ago), 5):
        return submit_intake(
            actor=User.objects.get(username="qj.chief"),
            kind="clue",
            source_app="complaints",
            source_kind="complaint",
            source_id=n,
            source_label=f"举报 TS-{n}",
            entity=entity,
            summary="举报该店销售来源不明的药品，无进货票据",
        )


def _deadline_states(rule: str, clues: list[Clue]) -> set[str]:
    ids = [str(c.pk) for c in clues]
    return set(
        Deadline.objects.filter(rule__code=rule, subject_id__in=ids).values_list("state", flat=True)
    )


def test_demo_has_every_state_takes_over_the_newest_waiting_items_and_runs_once() -> None:
    registry_demo.load(60)
    oldest, older, newest = (_report_sent_to_clue(d, n) for n, d in enumerate((90, 30, 20)))

    summary = load_demo()

    assert summary == "线索：登记 6 条、接收移交 2 条、网络监测推送 4 条（含工作提示单）"
    states = set(Clue.objects.values_list("status", flat=True))
    assert states == set(ClueStatus.values), set(ClueStatus.values) - states

    # the two newest waiting items taken over, the first left for the chief to assign
    taken = {c.intake_item_id: c for c in Clue.objects.filter(intake_item__isnull=False)}
    assert set(taken) == {older.pk, newest.pk}
    assert IntakeItem.objects.get(pk=oldest.pk).status == IntakeStatus.NEW
    assert taken[older.pk].status == ClueStatus.NEW and taken[older.pk].assignee is None
    assert taken[newest.pk].assignee == User.objects.get(username="qj.case")
    assert {c.source for c in taken.values()} == {ClueSource.COMPLAINT}
    took_on = timezone.localtime(taken[newest.pk].created_at).date()
    assert took_on <= timezone.localdate() - dt.timedelta(days=TAKE_OVER_DAYS_AGO)

    # verification clocks running, overdue, met; one extension waiting for the chief
    assert {"open", "overdue", "met"} <= _deadline_states(VERIFICATION, list(Clue.objects.all()))
    assert DeadlineExtension.objects.filter(deadline__rule__code=VERIFICATION).count() == 1

    # 工作提示单 answered (corrected, for case), open and overdue
    pushes = OnlineSalesPush.objects.order_by("monitored_on")
    assert [p.feedback_outcome for p in pushes] == ["corrected", "for_case", "", ""]
    open_ones = [p.clue for p in pushes if not p.feedback_outcome]
    assert _deadline_states(PROMPT, open_ones) == {"open", "overdue"}

    # the clues' past reads in date order and ends before today
    times = list(
        AuditEvent.objects.filter(object_type="clues.clue")
        .order_by("seq")
        .values_list("occurred_at", flat=True)
    )
    assert times == sorted(times)
    assert timezone.localtime(times[-1]).date() < timezone.localdate()
    assert load_demo() == ""
