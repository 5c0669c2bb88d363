"""The key-list rules fed by other modules' reports (failed samples, complaints,
penalties): the one function their producers will call (intake.services.
report_entity_event), the selection it gives a plan, and "未接入" until the producing
module is installed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaoan.common.testing import UserFactory
from yaoan.intake.enums import EntityEventKind
from yaoan.intake.services import report_entity_event
from yaoan.plans import keylist
from yaoan.plans.extensions import register_key_list_source
from yaoan.plans.tests.factories import entity, generated, grid_of, item_of, reason_codes
from yaoan.registry.models import Entity

pytestmark = pytest.mark.django_db


def reported(target: Entity, kind: str, source_id: int, days_ago: int) -> None:
    report_entity_event(
        kind=kind,
        entity=target,
        occurred_on=timezone.localdate() - dt.timedelta(days=days_ago),
        source_app="test",
        source_kind=kind,
        source_id=source_id,
        source_label=f"{kind}-{source_id}",
        actor=UserFactory(),
    )


def test_sources_show_not_connected_until_their_producer_is_installed() -> None:
    # complaints (yaoan.complaints) and cases (yaoan.cases, penalties decided) are
    # installed: their rules are connected
    for code in ("repeated_complaints", "penalty"):
        assert keylist.source_status(code).connected
        assert keylist.external_source(code) is not None
    for code, module in (("failed_sample", "监督抽检模块"),):
        status = keylist.source_status(code)
        assert (status.connected, status.text) == (
            False,
            f"未接入：{module}尚未上线，此规则暂不筛选任何对象",
        )
        assert keylist.external_source(code) is None


def test_reported_events_select_entities_for_the_plan(world) -> None:
    place = grid_of(world)
    failed, complained, once, old = (entity(place["sub"]) for _ in range(4))
    reported(failed, EntityEventKind.FAILED_SAMPLE, 1, 30)
    reported(complained, EntityEventKind.COMPLAINT, 2, 20)
    reported(complained, EntityEventKind.COMPLAINT, 3, 200)
    reported(once, EntityEventKind.COMPLAINT, 4, 20)
    reported(old, EntityEventKind.FAILED_SAMPLE, 5, 400)  # before the 12 months
    # what the keylist does once sampling and complaints are installed
    register_key_list_source(
        "failed_sample", keylist.events_selector(EntityEventKind.FAILED_SAMPLE)
    )
    register_key_list_source(
        "repeated_complaints",
        keylist.events_selector(EntityEventKind.COMPLAINT, keylist.REPEATED_COMPLAINTS_MIN),
    )
    plan = generated()
    assert reason_codes(plan, failed) == ["failed_sample"]
    assert (
        item_of(plan, failed)
        .reasons[0]["text"]
        .startswith("近12个月产品抽检不合格：近12个月抽检不合格 1 次")
    )
    assert reason_codes(plan, complained) == ["repeated_complaints"]
    assert "投诉举报 2 次" in item_of(plan, complained).reasons[0]["text"]
    assert not plan.items.filter(entity__in=[once, old]).exists()


def test_min_count_parameter_is_checked() -> None:
    assert keylist.validate_parameters("repeated_complaints", {"min_count": 3}) == []
    for bad in (0, "3", True, 1001):
        assert keylist.validate_parameters("repeated_complaints", {"min_count": bad}) == [
            "min_count 须为 1 到 1000 之间的整数，如 3"
        ]
