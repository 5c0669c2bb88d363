"""The clues part of the demo district (synthetic): a handful of clues in every state —
taken over from the inspections' intake items, transferred by other agencies and districts,
a lead from above, online-sales monitoring pushes with their 工作提示单 — written through
the normal services with the clock set to the days they happened (core.demo.clock), so
the inbox has waiting, assigned, overdue, extended, closed, transferred and 移送立案 rows
and the 工作提示单 list has answered, open and overdue ones.

Runs after the inspections step (its escalations are the intake items taken over here).
Idempotent: nothing changes once a clue exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from yaoan.clues import prompts, services
from yaoan.clues.models import Clue
from yaoan.core.demo import clock
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.core.sweep import sweep_deadlines
from yaoan.intake.enums import IntakeKind, IntakeStatus
from yaoan.intake.models import IntakeItem
from yaoan.registry.models import Entity

ACCOUNTS = {
    "chief": "qj.chief",
    "officer": "qj.case",
    "monitor": "qj.monitor",
    "leader": "qj.leader",
}
STATION_INSPECTORS = ("qj.inspector1", "qj.inspector2", "qj.inspector3")


def _people() -> dict[str, User] | None:
    found = {u.username: u for u in User.objects.filter(username__startswith="qj.")}
    people = {role: found.get(name) for role, name in ACCOUNTS.items()}
    if any(p is None for p in people.values()):
        return None
    return {k: v for k, v in people.items() if v is not None} | {
        u.username: u for u in found.values() if u.username in STATION_INSPECTORS
    }


def _entities() -> list[Entity]:
    """One business of each station's grid, by turns (fixed order: the demo is stable)."""
    stations = OrgUnit.objects.filter(kind=OrgUnitKind.STATION, code__startswith="qj-")
    picked: list[Entity] = []
    for station in stations.order_by("sort_order", "code"):
        picked.extend(Entity.objects.filter(subdistrict__station=station).order_by("id")[:4])
    return picked


def _day(today: dt.date, days_ago: int) -> dt.date:
    day = today - dt.timedelta(days=days_ago)
    while day.weekday() >= 5:  # staff act on working days
        day -= dt.timedelta(days=1)
    return day


def _register(p: dict[str, User], entity: Entity, day: dt.date, **kwargs: Any) -> Clue:
    with clock.at(day, 30):
        return services.register_clue(actor=p["officer"], entity=entity, received_on=day, **kwargs)


def _verified(p: dict[str, User], clue: Clue, day: dt.date, violation: bool, text: str) -> Clue:
    with clock.at(day, 60):
        clue = services.assign_clue(clue, actor=p["chief"], assignee=p["officer"])
    with clock.at(day + dt.timedelta(days=7), 120):
        return services.verify_clue(
            clue, actor=p["officer"], findings=text, violation_found=violation
        )


def _staff_clues(p: dict[str, User], e: list[Entity], today: dt.date) -> int:
    day = _day(today, 45)
    clue = _register(
        p,
        e[0],
        day,
        source="agency",
        source_label="区卫健委移送函 卫监移〔2026〕7号",
        summary="医疗机构反映该药房向其供应的注射剂无随货同行单",
    )
    clue = _verified(p, clue, day, True, "现场核实：购进记录缺失，涉嫌从非法渠道购进药品")
    with clock.at(day + dt.timedelta(days=9), 90):
        services.file_for_case(
            clue, actor=p["chief"], note="涉嫌违反药品管理法第五十五条，建议立案"
        )
    day = _day(today, 40)
    clue = _register(
        p,
        e[1],
        day,
        source="district",
        source_label="邻区市场监管局协查函 〔2026〕15号",
        summary="外区案件上游供货方涉及本区该企业",
    )
    clue = _verified(p, clue, day, False, "调取购销记录，供货渠道合法，票据齐全")
    with clock.at(day + dt.timedelta(days=10), 60):
        services.close_clue(
            clue, actor=p["chief"], closure_reason="no_violation", note="查无违法事实"
        )
    day = _day(today, 30)
    clue = _register(
        p,
        e[2],
        day,
        source="higher",
        source_label="市局交办单 市药监交〔2026〕21号",
        summary="举报该店销售假冒进口降压药，涉案金额较大",
    )
    with clock.at(day + dt.timedelta(days=2), 60):
        services.transfer_clue(
            clue,
            actor=p["chief"],
            kind="police",
            to="公安青江分局",
            reason="涉嫌生产销售假药罪，依行刑衔接规定移送",
        )
    day = _day(today, 32)
    clue = _register(
        p,
        e[3],
        day,
        source="agency",
        source_label="区医保局移送 医保移〔2026〕4号",
        summary="医保飞行检查发现该药房串换药品销售记录",
    )
    with clock.at(day, 60):
        clue = services.assign_clue(clue, actor=p["chief"], assignee=p["officer"])
    with clock.at(day + dt.timedelta(days=14), 60):
        services.request_verification_extension(clue, actor=p["officer"], reason="等待省所检验报告")
    day = _day(today, 3)
    _register(
        p,
        e[4 % len(e)],
        day,
        source="other",
        source_label="12345热线转来",
        summary="市民反映该店夜间销售处方药不核对处方",
    )
    return 5


def _intake_clues(p: dict[str, User], today: dt.date) -> int:
    waiting = IntakeItem.objects.filter(kind=IntakeKind.CLUE, status=IntakeStatus.NEW)
    items = list(waiting.exclude(entity=None).order_by("submitted_at", "id")[:2])
    for n, item in enumerate(items):
        day = max(timezone.localtime(item.submitted_at).date(), _day(today, 10))
        with clock.at(day, 200):
            services.clue_from_intake(
                item, actor=p["officer"], assignee=p["officer"] if n else None
            )
    return len(items)


PUSHES = (
    # days ago, shop, product, issue, outcome (None: still open)
    (38, "康宁大药房官方旗舰店", "阿莫西林胶囊（处方药）", "未凭处方销售处方药", "corrected"),
    (33, "惠民医药专营店", "玻尿酸注射液", "网售未经注册的第三类医疗器械", "for_case"),
    (21, "百草堂养生馆", "祛斑霜", "宣称特殊用途功效但未取得特殊化妆品注册证", None),
    (4, "平安药房小店", "布洛芬缓释胶囊", "未展示药品经营许可证信息", None),
)


def _pushes(p: dict[str, User], e: list[Entity], today: dt.date) -> int:
    for n, (ago, shop, product, issue, outcome) in enumerate(PUSHES):
        day = _day(today, ago)
        entity = e[(n * 3 + 1) % len(e)]
        data = prompts.PushInput(
            reference=f"QJ-JC-{day:%Y%m%d}-{n + 1:02d}",
            monitored_on=day,
            platform="某电商平台",
            shop_name=shop,
            shop_url=f"https://shop.example/{1000 + n}",
            product=product,
            suspected_issue=issue,
            entity=entity,
        )
        with clock.at(day, 100):
            clue = prompts.record_online_push(actor=p["monitor"], data=data)
        answerer = next(
            (
                u
                for k, u in p.items()
                if k.startswith("qj.inspector") and u.org_unit_id == clue.org_unit_id
            ),
            None,
        )
        if outcome and answerer is not None:
            with clock.at(day + dt.timedelta(days=6), 150):
                prompts.answer_prompt(
                    clue,
                    actor=answerer,
                    outcome=outcome,
                    feedback="已约谈网店经营者，商品已下架"
                    if outcome == "corrected"
                    else "核实确有网售未注册医疗器械行为",
                )
    return len(PUSHES)


def load_demo() -> str:
    people = _people()
    entities = _entities()
    if people is None or len(entities) < 5 or Clue.objects.exists():
        return ""
    today = timezone.localdate()
    with transaction.atomic():
        staff = _staff_clues(people, entities, today)
        pushes = _pushes(people, entities, today)
        taken = _intake_clues(people, today)
    sweep_deadlines()
    return (
        f"线索：登记 {staff} 条、接收检查移交 {taken} 条、网络监测推送 {pushes} 条（含工作提示单）"
    )
