"""Pages: scoping (a station sees its own items), chief-only changes, the rule tables with
their sources, the coverage panel (no fake zero), and query counts of the list views."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yaoan.common.testing import client_for
from yaoan.core.models import AuditEvent
from yaoan.plans.enums import PlanStatus
from yaoan.plans.extensions import register_done_counter, register_key_list_source
from yaoan.plans.models import AnnualPlan, FrequencyRule, PlanItem
from yaoan.plans.tests.factories import approved, entity, generated, grid_of, item_of
from yaoan.registry.enums import EntityType

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(world):
    east, west = grid_of(world), grid_of(world, other=True)
    east_site = entity(east["sub"], entity_type=EntityType.VACCINATION_SITE, name="东城接种门诊")
    west_site = entity(west["sub"], entity_type=EntityType.VACCINATION_SITE, name="西城接种门诊")
    return {
        "east": east,
        "west": west,
        "east_site": east_site,
        "west_site": west_site,
        "chief": world.chief,
        "world": world,
    }


def test_station_sees_only_its_items_and_loads(district):
    plan = generated(actor=district["chief"])
    inspector = district["world"].inspector
    response = client_for(inspector).get(f"/plans/{plan.pk}/")
    assert response.status_code == 200
    assert [i.entity.name for i in response.context["page_obj"]] == ["东城接种门诊"]
    assert [row.station_id for row in response.context["loads"]] == [district["east"]["station"].pk]
    assert "西城接种门诊" not in response.content.decode()
    chief_page = client_for(district["chief"]).get(f"/plans/{plan.pk}/")
    assert len(chief_page.context["page_obj"]) == 2


def test_other_stations_item_is_404_and_audited(district):
    plan = generated(actor=district["chief"])
    west_item = item_of(plan, district["west_site"])
    east_chief = district["world"].station_chief
    client = client_for(east_chief)
    # a station-level chief cannot change the district plan at all
    assert client.get(f"/plans/{plan.pk}/items/{west_item.pk}/edit/").status_code == 403
    assert AuditEvent.objects.filter(action="plans.access.denied", actor=east_chief).count() == 1


def test_inspector_cannot_edit_or_approve(district):
    plan = generated(actor=district["chief"])
    inspector = district["world"].inspector
    client = client_for(inspector)
    item = item_of(plan, district["east_site"])
    assert client.get(f"/plans/{plan.pk}/items/{item.pk}/edit/").status_code == 403
    assert client.post(f"/plans/{plan.pk}/submit/").status_code == 403
    assert client.post("/plans/generate/", {"year": 2028}).status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not AnnualPlan.objects.filter(year=2028).exists()


def test_chief_generates_edits_submits_and_approves_through_the_pages(district):
    client = client_for(district["chief"])
    response = client.post("/plans/generate/", {"year": 2027, "note": "年初计划"})
    plan = AnnualPlan.objects.get(year=2027)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    item = item_of(plan, district["east_site"])
    url = f"/plans/{plan.pk}/items/{item.pk}/edit/"
    page = client.post(url, {"required_count": 2, "station": item.station_id, "reason": ""})
    assert page.status_code == 200 and "请填写修改原因。" in page.content.decode()
    page = client.post(
        url,
        {
            "required_count": 2,
            "q1": 2,
            "q2": 0,
            "q3": 0,
            "q4": 1,
            "station": item.station_id,
            "reason": "x",
        },
    )
    assert "各季度次数之和（3）须等于检查次数（2）。" in page.content.decode()
    response = client.post(
        url, {"required_count": 2, "station": item.station_id, "reason": "冷链隐患"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.required_count == 2 and sum(item.quarters) == 2
    client.post(f"/plans/{plan.pk}/submit/")
    # the chief who submitted sees no approve button and cannot approve; the leader does
    assert "批准</button>" not in client.get(f"/plans/{plan.pk}/").content.decode()
    assert client.post(f"/plans/{plan.pk}/approve/").status_code == 403
    boss = client_for(district["world"].leader)
    assert "批准</button>" in boss.get(f"/plans/{plan.pk}/").content.decode()
    boss.post(f"/plans/{plan.pk}/approve/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == district["world"].leader
    # editing the approved plan goes to a new draft version
    response = client.post(
        url, {"required_count": 3, "station": item.station_id, "reason": "年中加检"}
    )
    draft = AnnualPlan.objects.get(year=2027, version=2)
    assert response["Location"] == f"/plans/{draft.pk}/"
    assert item_of(draft, district["east_site"]).required_count == 3
    item.refresh_from_db()
    assert item.required_count == 2
    versions = client.get("/plans/year/2027/versions/")
    assert "次数变更 1" in versions.content.decode()


def test_illegal_transition_shows_a_message(district):
    plan = generated(actor=district["chief"])
    client = client_for(district["world"].leader)
    response = client.post(f"/plans/{plan.pk}/approve/", follow=True)
    assert "年度重点检查清单当前状态为“草稿”，不能执行“批准”" in response.content.decode()


def test_rule_pages_show_sources_and_connection(district):
    client = client_for(district["chief"])
    page = client.get("/plans/rules/frequency/").content.decode()
    assert "陆丰市全面加强药品监管能力建设工作方案" in page
    page = client.get("/plans/rules/key-list/").content.decode()
    assert "对全区化妆品经营使用企业监督检查全覆盖" in page
    assert "未接入：监督检查模块尚未上线" in page
    register_key_list_source("serious_finding", lambda year: {})
    page = client.get("/plans/rules/key-list/").content.decode()
    assert "未接入：监督检查模块尚未上线" not in page
    assert "已接入：由其他模块提供数据" in page


def test_frequency_rule_edit_page_requires_reason(district):
    client = client_for(district["chief"])
    rule = FrequencyRule.objects.get(entity_type="", risk_grade="C", credit_class="")
    url = f"/plans/rules/frequency/{rule.pk}/"
    data = {
        "entity_type": "",
        "risk_grade": "C",
        "credit_class": "",
        "min_visits": 3,
        "source": rule.source,
    }
    assert "请填写修改原因。" in client.post(url, {**data, "reason": ""}).content.decode()
    assert client.post(url, {**data, "reason": "较高风险加密"}).status_code == 302
    rule.refresh_from_db()
    assert rule.min_visits == 3


def test_key_list_rule_edit_page_rejects_bad_json(district):
    client = client_for(district["chief"])
    page = client.post(
        "/plans/rules/key-list/vaccine_joint/",
        {"enabled": "on", "min_visits": 1, "parameters": "{share: 5", "source": "x", "reason": "y"},
    )
    assert "参数不是有效的 JSON。" in page.content.decode()


def test_dashboard_panel_shows_dash_without_done_counter(district):
    generated(actor=district["chief"])
    page = client_for(district["chief"]).get("/home/").content.decode()
    assert 'data-testid="coverage-panel"' in page
    assert 'data-testid="done-missing"' in page
    assert "不是零" in page


def test_coverage_counts_required_scheduled_and_done(district):
    plan = approved(district["world"], year=2026)
    register_done_counter(lambda year: {district["east_site"].pk: 2} if year == 2026 else {})
    client = client_for(district["chief"])
    response = client.get("/plans/coverage/?year=2026")
    rows = {r.code: r for r in response.context["report"].rows}
    vaccine = rows["vaccine_unit"]
    assert (vaccine.required, vaccine.scheduled, vaccine.done) == (2, 2, 1)
    joint = rows["vaccine_joint"]
    assert (joint.required, joint.scheduled, joint.done) == (1, 1, None)
    assert response.context["report"].plan == plan
    PlanItem.objects.filter(plan=plan, entity=district["west_site"]).delete()
    rows = {r.code: r for r in client.get("/plans/coverage/?year=2026").context["report"].rows}
    assert rows["vaccine_unit"].scheduled == 1 and rows["vaccine_unit"].scheduled_short == 1
    inspector = district["world"].other_inspector
    rows = {
        r.code: r
        for r in client_for(inspector).get("/plans/coverage/?year=2026").context["report"].rows
    }
    assert (rows["vaccine_unit"].required, rows["vaccine_unit"].done) == (1, 0)


# --- query counts -------------------------------------------------------------------------------


def test_every_page_renders_for_the_chief(district):
    plan = generated(actor=district["chief"])
    item = item_of(plan, district["east_site"])
    client = client_for(district["chief"])
    rule = FrequencyRule.objects.first()
    for url in [
        f"/plans/{plan.pk}/items/add/",
        f"/plans/{plan.pk}/items/{item.pk}/edit/",
        f"/plans/{plan.pk}/items/{item.pk}/remove/",
        f"/plans/rules/frequency/{rule.pk}/delete/",
        "/plans/rules/frequency/new/",
        "/plans/rules/key-list/vaccine_joint/",
        "/plans/coverage/",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/plans/{plan.pk}/items/add/",
        {"uscc": district["west_site"].uscc, "required_count": 1, "reason": "重复"},
    )
    assert "该监管对象已在清单中" in response.content.decode()
    response = client.post(f"/plans/{plan.pk}/items/{item.pk}/remove/", {"reason": "已停业"})
    assert response.status_code == 302
    history = client.get(f"/plans/{plan.pk}/history/").content.decode()
    assert "已停业" in history and "东城接种门诊" in history


@pytest.mark.parametrize("year", ["0", "-5", "99999", "99999999999999999999", "abc"])
def test_coverage_of_a_year_out_of_range_is_a_message(district, year):
    response = client_for(district["chief"]).get(f"/plans/coverage/?year={year}")
    assert response.status_code == 400
    assert "年度须为 2000～2100 之间的整数" in response.content.decode()
    assert response.context["year"] == timezone.localdate().year


def test_station_sees_plan_totals_and_version_changes_of_its_own_items(district):
    boss = district["chief"]
    for n in range(3):
        entity(district["west"]["sub"], entity_type=EntityType.VACCINATION_SITE, name=f"西{n}")
    first = approved(district["world"])
    entity(district["west"]["sub"], entity_type=EntityType.VACCINATION_SITE, name="西城新门诊")
    second = generated(actor=boss)
    east = client_for(district["world"].inspector)
    listed = east.get("/plans/").context["by_year"]
    assert [(p.version, p.item_count, p.visits) for _year, plans in listed for p in plans] == [
        (second.version, 1, 1),
        (first.version, 1, 1),
    ]
    versions = east.get(f"/plans/year/{first.year}/versions/").context["versions"]
    assert [(p.item_count, diff and diff.added) for p, diff in versions] == [(1, 0), (1, None)]
    whole = client_for(boss).get(f"/plans/year/{first.year}/versions/").context["versions"]
    assert [(p.item_count, diff and diff.added) for p, diff in whole] == [(6, 1), (5, None)]
