"""The plans JSON API: rules, generation, scoping of items, workflow with 409 on illegal
steps, reasons required, query count of the item list."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.core.services import issue_api_token
from yaoan.plans.enums import PlanStatus
from yaoan.plans.models import AnnualPlan, FrequencyRule
from yaoan.plans.tests.factories import entity, generated, grid_of
from yaoan.registry.enums import EntityType

pytestmark = pytest.mark.django_db
BASE = "/api/plans"


def headers(user):
    _token, key = issue_api_token(user=user, name="test")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def district(world):
    east, west = grid_of(world), grid_of(world, other=True)
    entity(east["sub"], entity_type=EntityType.VACCINATION_SITE, name="东城接种门诊")
    entity(west["sub"], entity_type=EntityType.COSMETICS_DEALER, name="西城美妆店")
    boss = world.chief
    return {"east": east, "west": west, "chief": boss, "auth": headers(boss), "world": world}


def post(client, url, auth, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json", headers=auth)


def test_rules_are_listed_with_sources_and_connection(district):
    client = Client()
    rules = client.get(f"{BASE}/frequency-rules", headers=district["auth"]).json()
    assert len(rules) == FrequencyRule.objects.count() == 13
    key_rules = client.get(f"{BASE}/key-list-rules", headers=district["auth"]).json()
    by_code = {r["code"]: r for r in key_rules}
    assert by_code["vaccine_unit"]["connected"] is True
    assert by_code["failed_sample"]["connected"] is False
    assert "瑶海区2025年药品安全工作要点" in by_code["vaccine_joint"]["source"]


def test_rule_patch_needs_a_reason_and_the_chief(district):
    client = Client()
    rule = FrequencyRule.objects.get(entity_type="", risk_grade="B", credit_class="")
    url = f"{BASE}/frequency-rules/{rule.pk}"
    response = client.patch(
        url,
        json.dumps({"min_visits": 2, "reason": ""}),
        content_type="application/json",
        headers=district["auth"],
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "reason",
        "message": "请填写修改原因。",
        "code": "reason_required",
    }
    inspector = district["world"].inspector
    response = client.patch(
        url,
        json.dumps({"min_visits": 2, "reason": "x"}),
        content_type="application/json",
        headers=headers(inspector),
    )
    assert response.status_code == 403
    response = client.patch(
        url,
        json.dumps({"min_visits": 2, "reason": "一般风险加密"}),
        content_type="application/json",
        headers=district["auth"],
    )
    assert response.status_code == 200 and response.json()["min_visits"] == 2
    assert AuditEvent.objects.filter(
        action="plans.frequency_rule.updated", reason="一般风险加密"
    ).exists()


def test_generate_submit_approve_and_409_on_illegal_steps(district):
    client = Client()
    response = post(client, f"{BASE}/annual-plans/generate", district["auth"], {"year": 2027})
    assert response.status_code == 201
    plan = response.json()
    assert (plan["year"], plan["version"], plan["status"], plan["items"]) == (2027, 1, "draft", 2)
    approve = f"{BASE}/annual-plans/{plan['id']}/approve"
    response = post(client, approve, headers(district["world"].leader))
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert (
        post(client, f"{BASE}/annual-plans/{plan['id']}/submit", district["auth"]).status_code
        == 200
    )
    response = post(client, f"{BASE}/annual-plans/generate", district["auth"], {"year": 2027})
    assert response.status_code == 409
    response = post(client, approve, district["auth"])
    assert response.status_code == 403  # the chief who submitted is not the approver
    response = post(client, approve, headers(district["world"].leader))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == PlanStatus.APPROVED and body["document_number"].endswith("〔2027〕1号")
    assert (
        client.get(f"{BASE}/annual-plans?year=2027", headers=district["auth"]).json()[0]["id"]
        == plan["id"]
    )


def test_items_are_scoped_and_filtered(district, django_assert_max_num_queries):
    plan = generated(actor=district["chief"])
    inspector = district["world"].inspector
    client = Client()
    own = client.get(f"{BASE}/annual-plans/{plan.pk}/items", headers=headers(inspector)).json()
    assert [i["entity_name"] for i in own["results"]] == ["东城接种门诊"]
    assert own["results"][0]["quarters"] == [1, 0, 0, 0]
    assert own["results"][0]["reasons"][0]["code"] == "vaccine_unit"
    detail = client.get(f"{BASE}/annual-plans/{plan.pk}", headers=headers(inspector)).json()
    assert detail["items"] == 1
    everything = client.get(
        f"{BASE}/annual-plans/{plan.pk}/items?reason=cosmetics_dealer", headers=district["auth"]
    ).json()
    assert [i["entity_name"] for i in everything["results"]] == ["西城美妆店"]
    bad = client.get(f"{BASE}/annual-plans/{plan.pk}/items?quarter=9", headers=district["auth"])
    assert bad.status_code == 422
    with django_assert_max_num_queries(8):
        client.get(f"{BASE}/annual-plans/{plan.pk}/items", headers=district["auth"])


def test_missing_plan_is_404(district):
    response = Client().get(f"{BASE}/annual-plans/999999", headers=district["auth"])
    assert response.status_code == 404
    assert not AnnualPlan.objects.exists()


def test_the_plan_lists_the_callers_actions_and_the_author_cannot_approve(district, settings):
    settings.PLAN_APPROVER_ROLE = "chief"
    client = Client()
    plan = post(client, f"{BASE}/annual-plans/generate", district["auth"], {"year": 2027}).json()
    assert plan["actions"] == ["submit"]
    submitted = post(client, f"{BASE}/annual-plans/{plan['id']}/submit", district["auth"]).json()
    assert submitted["actions"] == []  # the submitter is offered no approval
    response = post(client, f"{BASE}/annual-plans/{plan['id']}/approve", district["auth"])
    assert response.status_code == 409 and response.json()["code"] == "approver_is_submitter"
    other = headers(UserFactory(org_unit=district["world"].section, roles=[Role.SECTION_CHIEF]))
    listed = client.get(f"{BASE}/annual-plans/{plan['id']}", headers=other).json()
    assert listed["actions"] == ["approve", "return"]
    assert post(client, f"{BASE}/annual-plans/{plan['id']}/approve", other).status_code == 200
