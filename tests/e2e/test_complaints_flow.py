"""Complaints across the apps, end to end:

* a report from the public portal names a shop; the section matches it to the registry, the
  shop's station accepts it, verifies it and finds a violation, and hands it on as a case
  clue in one step — the clue waits in the station's intake inbox (page and API) carrying
  the findings and the business, and nothing of the person who reported it;
* two complaints about one pharmacy within twelve months put it on next year's plan through
  the key-list rule "近12个月投诉举报较集中" (repeated_complaints), which now shows as
  connected; one complaint about another business does not."""

from __future__ import annotations

import datetime as dt
import json

from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf built before any clock is frozen)
from yaoan.common.testing import World, client_for, weekend_calendar_for_coming_years
from yaoan.complaints import services
from yaoan.complaints.enums import Channel, ComplaintKind, ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.core.actors import system_actor
from yaoan.intake.models import IntakeItem
from yaoan.plans import services as plan_services
from yaoan.plans.models import PlanItem

SPRING = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in the district
SUMMER = dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)  # a Wednesday
AUTUMN = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # next year's plan is drawn up

REPORTER = {
    "reporter_name": "欧阳晓梅",
    "reporter_phone": "13987654321",
    "reporter_id_number": "500199198807164321",
    "reporter_address": "江城街道幸福路18号",
}
# what would give the reporter away, written out and as the masks show it
TRACES = (*REPORTER.values(), "欧阳*", "139****4321", "87654321", "198807164321", "幸福路18号")


def page(client: object, url: str) -> str:
    response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200, (url, response.status_code)
    return str(response.content.decode())


def portal_report(world: World) -> Complaint:
    """What the portal's submission does: the system actor ``portal`` receives it, the
    business as the person typed it, unmatched."""
    return services.receive_complaint(
        actor=system_actor("portal"),
        data=services.ComplaintInput(
            kind=ComplaintKind.REPORT,
            channel=Channel.PORTAL,
            product_class="drug",
            content="仁济大药房柜台在售无批准文号的“祖传秘方”胶囊，店员称可治糖尿病。",
            subject_name="仁济大药房",
            subject_address="江城街道",
            **REPORTER,
        ),
    )


def test_a_verified_report_becomes_a_clue_without_its_reporter(world: World) -> None:
    with freeze_time(SPRING):
        weekend_calendar_for_coming_years()
        report = portal_report(world)
        assert report.entity is None and report.org_unit == world.section
        report = services.match_entity(report, actor=world.chief, entity=world.pharmacy)
        assert report.org_unit == world.station  # the shop's grid decides who handles it
        report = services.accept_complaint(report, actor=world.inspector)
        report = services.verify_complaint(
            report,
            actor=world.inspector,
            findings="现场查见无批准文号胶囊24盒，标签宣称治疗糖尿病。",
            violation_found=True,
        )
        report = services.send_to_clue(report, actor=world.inspector)

    assert report.status == ComplaintStatus.TO_CLUE
    clue = IntakeItem.objects.get(kind="clue", source_app="complaints")
    assert report.clue_item == clue
    assert (clue.entity, clue.org_unit, clue.status) == (world.pharmacy, world.station, "new")
    assert "无批准文号胶囊24盒" in clue.summary
    stored = " ".join(
        [clue.summary, clue.source_label, clue.source_url, clue.batch, str(clue.entity)]
    )
    assert [t for t in TRACES if t in stored] == []

    with freeze_time(SPRING + dt.timedelta(hours=1)):
        officer = client_for(world.inspector)
        inbox = page(officer, "/intake/?kind=clue&status=new")
        assert f'href="/intake/{clue.pk}/"' in inbox and "仁济大药房" in inbox
        detail = page(officer, f"/intake/{clue.pk}/")
        assert "无批准文号胶囊24盒" in detail
        api = page(officer, "/api/intake/?kind=clue")
        assert [item["id"] for item in json.loads(api)["results"]] == [clue.pk]
        assert [t for t in TRACES if t in inbox + detail + api] == []
        # the other station sees neither the clue nor the report
        outsider = client_for(world.other_inspector)
        assert f"/intake/{clue.pk}/" not in page(outsider, "/intake/?kind=clue")
        assert outsider.get(f"/intake/{clue.pk}/").status_code == 404


def complain(world: World, entity: object, n: int) -> Complaint:
    return services.receive_complaint(
        actor=world.inspector if entity == world.pharmacy else world.other_inspector,
        data=services.ComplaintInput(
            kind=ComplaintKind.COMPLAINT,
            channel=Channel.PHONE,
            product_class="drug",
            content=f"第{n}次：在该店买到的感冒药已过有效期，要求退款。",
            entity=entity,  # type: ignore[arg-type]
            subject_name=str(entity),
            reporter_name="李建国",
            reporter_phone=f"1380000{n:04d}",
        ),
    )


def test_repeated_complaints_put_the_pharmacy_on_next_years_key_list(world: World) -> None:
    with freeze_time(SPRING):
        weekend_calendar_for_coming_years()
        complain(world, world.pharmacy, 1)
        complain(world, world.other_entity, 2)  # one complaint is not "较集中"
    with freeze_time(SUMMER):
        complain(world, world.pharmacy, 3)

    with freeze_time(AUTUMN):
        rules = page(client_for(world.chief), "/plans/rules/key-list/")
        assert "近12个月投诉举报较集中" in rules and "未接入：投诉举报模块" not in rules
        plan = plan_services.generate_plan(year=2027, actor=world.chief)

    item = PlanItem.objects.get(plan=plan, entity=world.pharmacy)
    reasons = {r["code"]: r for r in item.reasons}
    assert "repeated_complaints" in reasons
    assert "2 次" in json.dumps(reasons["repeated_complaints"], ensure_ascii=False)
    others = PlanItem.objects.filter(plan=plan, entity=world.other_entity)
    assert all("repeated_complaints" not in [r["code"] for r in other.reasons] for other in others)
