"""The inspections of the demo district (青江区): today's work for the 江城所 inspector, and
a history of submitted random and planned inspections with findings, rectification orders
at every stage and published results. Built through the services (each step audited);
past inspections are entered as paper records (补录), so no one-time codes are needed.

Idempotent: nothing happens when the demo already has inspections.
"""

from __future__ import annotations

import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core.calendar import CalendarYearUnknownError
from yaoan.core.models import OrgUnit, User
from yaoan.draws.demo import DEMO_DRAW_TITLE
from yaoan.draws.enums import DrawStatus
from yaoan.draws.models import Draw
from yaoan.inspections import plan_visits, rectification, scheduling, services
from yaoan.inspections.enums import InspectionKind, ItemResult
from yaoan.inspections.models import Inspection
from yaoan.registry.enums import EntityStatus, EntityType
from yaoan.registry.models import Entity

SEED = 20261123
HEALTH_CODE = "qj-dept-health"  # the demo's 卫健委, partner of the plan's joint inspections
PAPER_REASON = "演示数据：纸质检查记录补录"
# (station inspector, the bureau inspector who joins them)
TEAMS = {
    "qj-station-jiangcheng": ("qj.inspector1", "qj.inspector"),
    "qj-station-guihua": ("qj.inspector2", "qj.inspector"),
    "qj-station-shimen": ("qj.inspector3", "qj.inspector"),
}
HISTORY_TYPES = (
    EntityType.RETAIL_PHARMACY,
    EntityType.VACCINATION_SITE,
    EntityType.COSMETICS_DEALER,
    EntityType.DEVICE_DEALER,
    EntityType.CLINIC,
)
# what the inspectors found, by checklist and item number
PROBLEMS = {
    "retail_pharmacy": {
        "2.1": "检查时执业药师不在岗，未挂牌",
        "4.3": "营业场所温湿度记录缺少近一周数据",
        "3.2": "部分购进药品随货同行单与实物批号不一致",
    },
    "vaccination_site": {"3.2": "冰箱温度记录有3天空缺", "5.1": "部分接种记录未登记告知情况"},
    "cosmetics_dealer": {
        "2.1": "进货查验记录缺少供货者资质复印件",
        "4.1": "两款产品中文标签未标注全成分",
    },
    "device_dealer": {"2.2": "进货查验记录缺少批号/序列号", "3.1": "库房温湿度记录不完整"},
    "drug_user": {"3.1": "药房冷藏柜温度记录缺失", "2.2": "中药饮片验收记录不完整"},
}


DEMO_USERS = {n for pair in TEAMS.values() for n in pair} | {"qj.chief"}


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}


def _answer(inspection: Inspection, actor: User, failing: dict[str, str]) -> None:
    records = {
        item.pk: (
            (ItemResult.NON_COMPLIANT, failing[item.number])
            if item.number in failing
            else (ItemResult.COMPLIANT, "")
        )
        for item in inspection.checklist.items.all()
    }
    services.save_draft(actor=actor, inspection=inspection, records=records)


def _failing_for(inspection: Inspection, rng: random.Random) -> dict[str, str]:
    problems = PROBLEMS.get(inspection.checklist.code, {})
    if not problems or rng.random() < 0.5:
        return {}
    chosen = rng.sample(sorted(problems), k=min(len(problems), rng.choice([1, 1, 2])))
    return {number: problems[number] for number in chosen}


def load() -> str:
    if Inspection.objects.exists():
        return ""
    users = _users()
    if set(users) != DEMO_USERS:
        return ""
    try:
        with transaction.atomic():
            _execute_demo_draw(users["qj.chief"])
            count = _load(users, random.Random(SEED))
    except (CalendarYearUnknownError, ValidationError) as exc:
        # from December the deadlines reach a year the calendar may not know yet (S20)
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _("演示检查记录未生成：%(e)s") % {"e": message}
    planned = _schedule_this_quarter(users["qj.chief"])
    return _(
        "演示检查：%(n)d 次（含今日待检和已公示的双随机抽查结果）；"
        "按年度清单安排本季度检查 %(p)d 次。"
    ) % {"n": count, "p": planned}


def _execute_demo_draw(chief: User) -> None:
    """The draws step committed the demo draw; executing it here schedules its visits."""
    draw = Draw.objects.filter(title=DEMO_DRAW_TITLE, status=DrawStatus.COMMITTED).first()
    if draw is not None:
        scheduling.execute_draw(actor=chief, draw=draw)


def _schedule_this_quarter(chief: User) -> int:
    """The current quarter of the approved plan (the plans step approves one), per station."""
    today = timezone.localdate()
    quarter = plan_visits.quarter_of(today)
    total = 0
    health = OrgUnit.objects.filter(code=HEALTH_CODE).first()
    for station in OrgUnit.objects.filter(code__in=TEAMS).order_by("code"):
        try:
            total += plan_visits.schedule_from_plan(
                actor=chief,
                year=today.year,
                quarter=quarter,
                station=station,
                joint_department=health,
            ).scheduled
        except ValidationError:
            return total  # no approved plan for this year: nothing to schedule from
    return total


def _load(users: dict[str, User], rng: random.Random) -> int:
    chief = users["qj.chief"]
    today = timezone.localdate()
    count = 0
    for station_code, (local, bureau) in TEAMS.items():
        team = [users[local], users[bureau]]
        entities = list(
            Entity.objects.filter(
                subdistrict__station__code=station_code,
                status=EntityStatus.OPERATING,
                is_deleted=False,
                entity_type__in=HISTORY_TYPES,
            ).order_by("id")
        )
        picks = rng.sample(entities, k=min(len(entities), 8))
        for n, entity in enumerate(picks):
            # visits are never scheduled in the past: the history is entered as paper
            # records of visits scheduled today
            inspection = scheduling.schedule_inspection(
                actor=chief,
                entity=entity,
                kind=InspectionKind.PLANNED,
                scheduled_for=today,
                inspectors=team,
            )
            count += 1
            if n < 2:
                continue  # today's work, left for the inspectors
            _complete(inspection, team, chief, rng)
    # the demo draw's random inspections: about half done
    for inspection in Inspection.objects.filter(draw__isnull=False).order_by("id")[::2]:
        drawn_team = list(inspection.inspectors.order_by("username"))
        _complete(inspection, drawn_team, chief, rng)
        count += 1
    return count


def _complete(inspection: Inspection, team: list[User], chief: User, rng: random.Random) -> None:
    _answer(inspection, team[0], _failing_for(inspection, rng))
    inspection = services.enter_paper_record(
        actor=team[0], inspection=inspection, co_inspector=team[1], reason=PAPER_REASON
    )
    # a drawn team may come from another station; the entity's own station follows up
    local = next((u for u in team if u.org_unit_id == inspection.station_id), chief)
    _follow_up(inspection, local, chief, rng)


def _follow_up(inspection: Inspection, inspector: User, chief: User, rng: random.Random) -> None:
    order = getattr(inspection, "rectification", None)
    if order is not None and rng.random() < 0.6:
        order = rectification.record_rectification_response(
            actor=inspector, order=order, response="已按要求整改，补充相关记录并组织培训"
        )
        if rng.random() < 0.6:
            rectification.record_reinspection(
                actor=inspector, order=order, passed=True, note="复查整改到位"
            )
    if inspection.publication_due and rng.random() < 0.7:
        services.publish_results(actor=chief, inspections=[inspection])
