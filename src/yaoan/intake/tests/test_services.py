"""Intake services: the one door (submit_intake) and the decisions taken through the
workflow engine (accept with a link, reject with a reason, merge, keep waiting), who may
take them, and the entity events the planning key list reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.core.models import AuditEvent, Notification
from yaoan.core.transitions import IllegalTransitionError, ReasonRequiredError
from yaoan.intake import services
from yaoan.intake.enums import EntityEventKind, IntakeError, IntakeStatus
from yaoan.intake.queries import entities_with_events, intake_visible_to
from yaoan.intake.services import TakenBy
from yaoan.intake.tests.conftest import District
from yaoan.intake.tests.helpers import hand_on

pytestmark = pytest.mark.django_db


def test_submitted_item_belongs_to_the_entitys_station_and_is_audited(district: District) -> None:
    item = hand_on(district.inspector, district.pharmacy)
    assert (item.status, item.kind, item.org_unit) == (IntakeStatus.NEW, "clue", district.station)
    event = AuditEvent.objects.get(action="intake.intakeitem.submitted")
    assert event.after["source"] == "sampling.sample:1"
    assert event.reason == item.summary


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "case"}, "kind"),
        ({"urgency": "now"}, "urgency"),
        ({"summary": "  "}, "summary"),
        ({"source_label": ""}, "source_label"),
    ],
)
def test_bad_submissions_name_the_field(district: District, change: dict, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        hand_on(district.inspector, district.pharmacy, **change)
    assert field in exc.value.error_dict
    assert not intake_visible_to(district.chief).exists()


def test_one_live_item_per_source_and_kind(district: District) -> None:
    item = hand_on(district.inspector, district.pharmacy)
    with pytest.raises(ValidationError) as exc:
        hand_on(district.inspector, district.pharmacy)
    assert exc.value.error_dict["kind"][0].code == IntakeError.DUPLICATE
    risk = hand_on(district.inspector, district.pharmacy, kind="risk")  # another kind is fine
    services.reject_intake(item, district.chief, "证据不足")
    again = hand_on(district.inspector, district.pharmacy)  # a rejected one may come again
    assert {risk.status, again.status} == {IntakeStatus.NEW}


def test_station_sees_its_own_items_district_units_see_all(district: District) -> None:
    mine = hand_on(district.inspector, district.pharmacy)
    theirs = hand_on(district.other_inspector, district.other_entity, source_id=2)
    assert list(intake_visible_to(district.inspector)) == [mine]
    assert list(intake_visible_to(district.other_inspector)) == [theirs]
    assert set(intake_visible_to(district.officer)) == {mine, theirs}


def test_reject_needs_a_reason_and_a_decider(district: District) -> None:
    item = hand_on(district.inspector, district.pharmacy)
    with pytest.raises(ReasonRequiredError):
        services.reject_intake(item, district.officer, "  ")
    with pytest.raises(PermissionDenied):
        services.reject_intake(item, district.inspector, "不是我的事")
    rejected = services.reject_intake(item, district.officer, "已由市局立案")
    assert rejected.status == IntakeStatus.REJECTED
    assert (rejected.decided_by, rejected.decision_reason) == (district.officer, "已由市局立案")
    event = AuditEvent.objects.get(action="intake.intakeitem.rejected")
    assert event.reason == "已由市局立案"
    notice = Notification.objects.get(recipient=district.inspector)
    assert (notice.kind, notice.title) == ("rejected", "您移交的事项未被接收：抽样单 CY-1")
    assert notice.link == f"/intake/{item.pk}/"
    assert event.before["status"] == "new" and event.after["status"] == "rejected"
    with pytest.raises(IllegalTransitionError):
        services.reject_intake(rejected, district.officer, "again")


def test_accept_links_the_record_that_took_it_over(district: District) -> None:
    item = hand_on(district.inspector, district.pharmacy)
    with pytest.raises(ValidationError):
        services.accept_intake(item, district.officer, TakenBy("cases.case", "", ""))
    accepted = services.accept_intake(
        item, district.officer, TakenBy("cases.case", "12", "江药案〔2026〕3号", "/cases/12/")
    )
    assert accepted.status == IntakeStatus.ACCEPTED
    assert (accepted.taken_by_type, accepted.taken_by_id) == ("cases.case", "12")
    assert accepted.taken_by_url == "/cases/12/"
    event = AuditEvent.objects.get(action="intake.intakeitem.accepted")
    assert event.after["taken_by"] == "cases.case:12"


def test_merge_into_a_live_item_of_the_same_kind(district: District) -> None:
    first = hand_on(district.inspector, district.pharmacy)
    second = hand_on(district.inspector, district.pharmacy, source_id=2)
    risk = hand_on(district.inspector, district.pharmacy, source_id=3, kind="risk")
    for target in (second, risk):
        with pytest.raises(ValidationError) as exc:
            services.merge_intake(second, target, district.chief, "同一问题")
        assert exc.value.error_dict["into"][0].code == IntakeError.BAD_MERGE
    merged = services.merge_intake(second, first, district.chief, "同一批次")
    assert (merged.status, merged.merged_into) == (IntakeStatus.MERGED, first)
    with pytest.raises(ValidationError):  # nothing merges into a merged item
        services.merge_intake(first, merged, district.chief, "x")


def test_keep_waiting_records_why_and_stays_new(district: District) -> None:
    item = hand_on(district.inspector, district.pharmacy)
    kept = services.keep_waiting(item, district.chief, "待案件模块上线后接收")
    assert kept.status == IntakeStatus.NEW
    event = AuditEvent.objects.get(action="intake.intakeitem.kept_waiting")
    assert event.reason == "待案件模块上线后接收"


def test_other_stations_chief_cannot_decide(district: District) -> None:
    from yaoan.common.testing import UserFactory
    from yaoan.core.enums import Role

    station_chief = UserFactory(org_unit=district.other_station, roles=[Role.SECTION_CHIEF])
    item = hand_on(district.inspector, district.pharmacy)
    with pytest.raises(PermissionDenied):
        services.reject_intake(item, station_chief, "不归我们")


# --- entity events ---------------------------------------------------------------------------


def report(district: District, source_id: int, days_ago: int, kind: str = "complaint"):  # type: ignore[no-untyped-def]
    return services.report_entity_event(
        kind=kind,
        entity=district.pharmacy,
        occurred_on=timezone.localdate() - dt.timedelta(days=days_ago),
        source_app="complaints",
        source_kind="complaint",
        source_id=source_id,
        source_label=f"投诉 TS-{source_id}",
        actor=district.officer,
    )


def test_entity_events_count_in_the_window_once_per_source(district: District) -> None:
    report(district, 1, 10)
    report(district, 1, 10)  # the same complaint reported twice is one event
    report(district, 2, 40)
    report(district, 3, 400)  # outside the 12 months
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=365), today + dt.timedelta(days=1)
    found = entities_with_events("complaint", start=start, end=end, min_count=2)
    assert list(found) == [district.pharmacy.pk]
    assert "投诉举报 2 次" in found[district.pharmacy.pk]
    assert not entities_with_events("complaint", start=start, end=end, min_count=3)
    services.withdraw_entity_event(
        kind="complaint",
        source_app="complaints",
        source_kind="complaint",
        source_id=2,
        reason="重复登记",
        actor=district.officer,
    )
    assert not entities_with_events("complaint", start=start, end=end, min_count=2)
    assert AuditEvent.objects.filter(action="intake.entityevent.withdrawn").count() == 1


def test_future_event_is_refused(district: District) -> None:
    with pytest.raises(ValidationError) as exc:
        report(district, 1, -2, kind=EntityEventKind.PENALTY)
    assert "occurred_on" in exc.value.error_dict
