"""Online-sales monitoring pushes: the clue, the numbered 工作提示单 sent to the station with
its handling limit, the station's feedback closing it, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.clues import prompts
from yaoan.clues.enums import ClueStatus
from yaoan.clues.models import Clue, OnlineSalesPush
from yaoan.clues.tests.helpers import NATIONAL_DAY_WEEK, push
from yaoan.common.testing import World
from yaoan.core.deadlines import current_deadline
from yaoan.core.documents.services import read_document
from yaoan.core.enums import DeadlineState
from yaoan.core.models import Notification
from yaoan.core.transitions import IllegalTransitionError

pytestmark = pytest.mark.django_db


def test_push_sends_a_numbered_work_prompt_to_the_station(world: World) -> None:
    clue = push(world)
    assert (clue.status, clue.source, clue.org_unit) == (
        ClueStatus.PROMPTED,
        "online",
        world.station,
    )
    record = OnlineSalesPush.objects.get(clue=clue)
    assert record.prompt_number == "网监提〔2026〕1号"
    doc = prompts.latest_prompt(clue)
    assert doc is not None and doc.number == record.prompt_number
    text = read_document(doc, actor=world.chief)
    assert text[:2] == b"PK"  # a .docx
    assert doc.context["shop_name"] == "仁济大药房旗舰店"
    told = set(Notification.objects.filter(kind="assigned").values_list("recipient", flat=True))
    assert told == {world.inspector.pk, world.partner.pk}  # the station's people, nobody else
    deadline = current_deadline(clue, "online_sales_prompt")
    assert deadline is not None and deadline.org_unit == world.station


def test_prompt_limit_is_10_working_days_across_national_day(world: World) -> None:
    clue = push(world, monitored_on=NATIONAL_DAY_WEEK)
    # the prompt counts from the day it is sent; the verification clock from the monitoring day
    verification = current_deadline(clue, "clue_verification")
    assert verification is not None and verification.due_on == dt.date(2026, 10, 23)
    prompt = current_deadline(clue, "online_sales_prompt")
    assert prompt is not None and prompt.rule.amount == 10


def test_station_feedback_closes_the_prompt_and_meets_both_clocks(world: World) -> None:
    clue = push(world)
    clue = prompts.answer_prompt(
        clue, actor=world.inspector, outcome="corrected", feedback="已责令下架，店铺整改完毕"
    )
    assert clue.status == ClueStatus.CLOSED
    record = OnlineSalesPush.objects.get(clue=clue)
    assert (record.feedback_outcome, record.feedback_by) == ("corrected", world.inspector)
    for code in ("online_sales_prompt", "clue_verification"):
        deadline = current_deadline(clue, code)
        assert deadline is not None and deadline.state == DeadlineState.MET
    with pytest.raises(IllegalTransitionError):
        prompts.answer_prompt(clue, actor=world.inspector, outcome="corrected", feedback="再次反馈")


def test_feedback_of_a_violation_sends_the_clue_to_case(world: World) -> None:
    clue = prompts.answer_prompt(
        push(world), actor=world.inspector, outcome="for_case", feedback="核实确有无处方销售"
    )
    assert clue.status == ClueStatus.FOR_CASE


def test_another_station_may_not_answer_and_bad_feedback_is_refused(world: World) -> None:
    clue = push(world)
    with pytest.raises(PermissionDenied):
        prompts.answer_prompt(clue, actor=world.other_inspector, outcome="corrected", feedback="x")
    with pytest.raises(ValidationError) as err:
        prompts.answer_prompt(clue, actor=world.inspector, outcome="", feedback="x")
    assert "outcome" in err.value.error_dict
    assert Clue.objects.get().status == ClueStatus.PROMPTED


def test_the_same_push_twice_is_refused_and_nothing_is_written(world: World) -> None:
    push(world)
    with pytest.raises(ValidationError) as err:
        push(world)
    assert err.value.error_dict["reference"][0].code == "clue_push_duplicate"
    assert (Clue.objects.count(), OnlineSalesPush.objects.count()) == (1, 1)


def test_a_push_without_entity_or_station_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as err:
        push(world, entity=None)
    assert err.value.error_dict["org_unit"][0].code == "clue_no_station"
    with pytest.raises(PermissionDenied):
        push(world, reference="JC-2", actor=world.inspector)
    assert Clue.objects.count() == 0
