"""The inspections API: scoped reads, scheduling, the on-world record and submission,
rectification, a state change out of order answered 409, and the public results."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from yaoan.common.testing import totp_code
from yaoan.core.services import issue_api_token
from yaoan.inspections import publication, scheduling, services
from yaoan.inspections.enums import InspectionKind
from yaoan.inspections.tests.helpers import World, answer_all, schedule, submit

pytestmark = pytest.mark.django_db


def call(method: str, path: str, user: Any, data: Any = None) -> Any:
    key = issue_api_token(user=user, name="测试")[1]
    client = Client()
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if data is not None:
        kwargs |= {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(client, method)(path, **kwargs)


def test_list_is_scoped(world: World) -> None:
    schedule(world)
    mine = call("get", "/api/inspections/", world.inspector).json()
    theirs = call("get", "/api/inspections/", world.outsider).json()
    assert mine["count"] == 1 and mine["results"][0]["entity_name"] == "仁济大药房"
    assert theirs["count"] == 0


def test_other_station_detail_is_404(world: World) -> None:
    inspection = schedule(world)
    assert call("get", f"/api/inspections/{inspection.pk}", world.outsider).status_code == 404


def test_schedule_record_and_submit_through_the_api(world: World) -> None:
    response = call(
        "post",
        "/api/inspections/",
        world.chief,
        {
            "entity_id": world.pharmacy.pk,
            "kind": "planned",
            "scheduled_for": timezone.localdate().isoformat(),
            "inspector_ids": [world.inspector.pk, world.partner.pk],
        },
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    items = scheduling.checklist_for("retail_pharmacy").items.all()
    records = [
        {
            "item_id": i.pk,
            "result": "non_compliant" if i.number == "4.3" else "compliant",
            "note": "无温湿度记录" if i.number == "4.3" else "",
        }
        for i in items
    ]
    draft = call("put", f"/api/inspections/{pk}/draft", world.inspector, {"records": records})
    assert draft.status_code == 200 and draft.json()["status"] == "in_progress"
    done = call(
        "post",
        f"/api/inspections/{pk}/submit",
        world.inspector,
        {"co_inspector_id": world.partner.pk, "co_code": totp_code(world.partner)},
    ).json()
    assert done["status"] == "submitted" and done["result"] == "rectify"
    assert done["publication_due"] is None  # planned, not random: not published
    assert [f["item_number"] for f in done["findings"]] == ["4.3"]
    orders = call("get", "/api/inspections/rectifications/", world.chief).json()
    assert orders["results"][0]["id"] == done["rectification_id"]


def test_random_kind_cannot_be_scheduled_by_hand(world: World) -> None:
    response = call(
        "post",
        "/api/inspections/",
        world.chief,
        {
            "entity_id": world.pharmacy.pk,
            "kind": "random",
            "scheduled_for": timezone.localdate().isoformat(),
            "inspector_ids": [world.inspector.pk, world.partner.pk],
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "kind"


def test_another_stations_inspector_is_refused_in_the_team(world: World) -> None:
    """S9: the API applies the rule the form applies (its choices hold only the entity's
    station and district-wide units)."""
    response = call(
        "post",
        "/api/inspections/",
        world.chief,
        {
            "entity_id": world.pharmacy.pk,
            "kind": "planned",
            "scheduled_for": timezone.localdate().isoformat(),
            "inspector_ids": [world.inspector.pk, world.outsider.pk],
        },
    )
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["field"] == "inspectors"
    assert world.outsider.display_name in error["message"]
    assert world.pharmacy.inspections.count() == 0


def test_state_change_out_of_order_is_409(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    response = call(
        "post",
        f"/api/inspections/{inspection.pk}/submit",
        world.inspector,
        {"co_inspector_id": world.partner.pk, "co_code": "000000"},
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["code"] == "illegal_transition"


def test_incomplete_submission_is_422_with_the_field(world: World) -> None:
    inspection = schedule(world)
    services.start_inspection(actor=world.inspector, inspection=inspection)
    response = call(
        "post",
        f"/api/inspections/{inspection.pk}/submit",
        world.inspector,
        {"co_inspector_id": world.partner.pk, "co_code": totp_code(world.partner)},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "records"


def test_public_results_need_no_token(world: World) -> None:
    inspection = submit(world, answer_all(world, schedule(world)))
    publication.publish_results(actor=world.chief, inspections=[inspection])
    body = Client().get("/api/public/inspection-results").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["uscc"] == world.pharmacy.uscc and row["rectification"] == "none"
    assert world.inspector.username not in json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [("inspector_ids", [2**64, 1]), ("entity_id", 2**64)],
)
def test_ids_beyond_the_columns_are_a_422_with_a_message(
    world: World, field: str, value: Any
) -> None:
    payload = {
        "entity_id": world.pharmacy.pk,
        "kind": "planned",
        "scheduled_for": timezone.localdate().isoformat(),
        "inspector_ids": [world.inspector.pk, world.partner.pk],
    }
    response = call("post", "/api/inspections/", world.chief, payload | {field: value})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"].startswith(field) and error["message"].startswith("不能大于")


def test_refusal_to_read_is_translated(world: World) -> None:
    from yaoan.common.testing import OrgUnitFactory, UserFactory
    from yaoan.core.enums import OrgUnitKind, Role

    liaison = UserFactory(
        org_unit=OrgUnitFactory(kind=OrgUnitKind.MEMBER_DEPARTMENT), roles=[Role.LIAISON]
    )
    key = issue_api_token(user=liaison, name="测试")[1]
    # the middleware's language stays active in this thread: restore it for the next tests
    with translation.override(None):
        answers = {
            language: Client().get(
                "/api/inspections/",
                HTTP_AUTHORIZATION=f"Bearer {key}",
                HTTP_ACCEPT_LANGUAGE=language,
            )
            for language in ("zh-hans", "en")
        }
    assert {r.status_code for r in answers.values()} == {403}
    assert answers["zh-hans"].json()["detail"] == "您无权查看监督检查信息。"
    assert answers["en"].json()["detail"] == "You may not view inspections."


def test_detail_lists_the_actions_and_an_illegal_step_is_409(world: World) -> None:
    drawn = schedule(world)
    actions = call("get", f"/api/inspections/{drawn.pk}", world.chief).json()["actions"]
    assert [a["action"] for a in actions] == []  # a drawn visit: no 取消检查 for the chief
    mine = call("get", f"/api/inspections/{drawn.pk}", world.inspector).json()["actions"]
    assert [a["action"] for a in mine] == ["start"]
    planned = schedule(world, kind=InspectionKind.PLANNED)
    chief_sees = call("get", f"/api/inspections/{planned.pk}", world.chief).json()["actions"]
    assert chief_sees == [{"action": "cancel", "label": "取消检查", "reason_required": True}]
    # submitting a visit not yet started: the table has no (scheduled, submit)
    response = call(
        "post",
        f"/api/inspections/{drawn.pk}/submit",
        world.inspector,
        {"co_inspector_id": world.partner.pk, "co_code": "000000"},
    )
    assert response.status_code == 409
    detail = response.json()["detail"][0]
    assert detail["code"] == "illegal_transition"
    assert detail["message"] == "现场检查当前状态为“待检查”，不能执行“提交”"
