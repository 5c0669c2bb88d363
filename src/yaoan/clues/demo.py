"""The clues part of the demo district (synthetic): a handful of clues in every state —
taken over from waiting intake items (reports the complaints demo sent "to clue",
inspection escalations), transferred by other agencies and districts, a lead from above,
online-sales monitoring pushes with their 工作提示单 — written through the normal services
with the clock set to the moments they happened (core.demo.clock), so the inbox has
waiting, assigned, overdue, extended, closed, transferred and 移送立案 rows and the
工作提示单 list has answered, open and overdue ones.

Each clue is a story: a generator that yields the (day, minutes) of its next step before
taking it. The stories run on the demo's one timeline (common.demo_steps.DemoHistory, run
by the inspections step), so the audit log of every module reads in date order and the
take-over finds the intake items the complaints' year made before it; loaded on its own,
the same stories run here in date order (core.demo.timeline). Idempotent: nothing changes
once a clue exists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.clues import prompts, services
from yaoan.clues.enums import MANUAL_SOURCES, ClueSource
from yaoan.clues.models import Clue
from yaoan.core.demo.timeline import (
    Moment,
    Story,
    StoryHistory,
    weekday_after,
    weekday_before,
)
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
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
TAKE_OVER = 2  # waiting intake clue items the officer takes over
TAKE_OVER_DAYS_AGO = 10


@dataclass(frozen=True)
class Cast:
    people: dict[str, User]  # by role (ACCOUNTS) and by username (station inspectors)
    entities: list[Entity]
    today: dt.date

    def __getitem__(self, role: str) -> User:
        return self.people[role]


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


def _cast() -> Cast | None:
    """Who and what the stories need; None when the district lacks them or has clues."""
    people = _people()
    entities = _entities()
    if people is None or len(entities) < 5 or Clue.objects.exists():
        return None
    return Cast(people, entities, timezone.localdate())


# --- the stories: each yields the moment of its next step, then takes it ------------------


def _register(c: Cast, entity: Entity, day: dt.date, **kwargs: Any) -> Clue:
    return services.register_clue(actor=c["officer"], entity=entity, received_on=day, **kwargs)


def _verified(
    c: Cast, n: int, day: dt.date, *, findings: str, violation: bool, **source: str
) -> Generator[Moment, None, Clue]:
    """Registered on ``day``, assigned to the officer within the hour, verified a week
    later; the story's next steps follow (``yield from`` gives the verified clue)."""
    yield day, 30
    clue = _register(c, c.entities[n % len(c.entities)], day, **source)
    yield day, 60
    clue = services.assign_clue(clue, actor=c["chief"], assignee=c["officer"])
    yield weekday_after(day, 7), 120
    return services.verify_clue(
        clue, actor=c["officer"], findings=findings, violation_found=violation
    )


def _filed_for_case(c: Cast) -> Story:
    day = weekday_before(c.today, 45)
    clue = yield from _verified(
        c,
        0,
        day,
        source="agency",
        source_label="区卫健委移送函 卫监移〔2026〕7号",
        summary="医疗机构反映该药房向其供应的注射剂无随货同行单",
        findings="现场核实：购进记录缺失，涉嫌从非法渠道购进药品",
        violation=True,
    )
    yield weekday_after(day, 9), 90
    services.file_for_case(clue, actor=c["chief"], note="涉嫌违反药品管理法第五十五条，建议立案")


def _closed_clean(c: Cast) -> Story:
    day = weekday_before(c.today, 40)
    clue = yield from _verified(
        c,
        1,
        day,
        source="district",
        source_label="邻区市场监管局协查函 〔2026〕15号",
        summary="外区案件上游供货方涉及本区该企业",
        findings="调取购销记录，供货渠道合法，票据齐全",
        violation=False,
    )
    yield weekday_after(day, 10), 60
    services.close_clue(clue, actor=c["chief"], closure_reason="no_violation", note="查无违法事实")


def _transferred(c: Cast) -> Story:
    day = weekday_before(c.today, 30)
    yield day, 30
    clue = _register(
        c,
        c.entities[2],
        day,
        source="higher",
        source_label="市局交办单 市药监交〔2026〕21号",
        summary="举报该店销售假冒进口降压药，涉案金额较大",
    )
    yield weekday_after(day, 2), 60
    services.transfer_clue(
        clue,
        actor=c["chief"],
        kind="police",
        to="公安青江分局",
        reason="涉嫌生产销售假药罪，依行刑衔接规定移送",
    )


def _extended(c: Cast) -> Story:
    day = weekday_before(c.today, 32)
    yield day, 30
    clue = _register(
        c,
        c.entities[3],
        day,
        source="agency",
        source_label="区医保局移送 医保移〔2026〕4号",
        summary="医保飞行检查发现该药房串换药品销售记录",
    )
    yield day, 60
    clue = services.assign_clue(clue, actor=c["chief"], assignee=c["officer"])
    yield weekday_after(day, 14), 60
    services.request_verification_extension(clue, actor=c["officer"], reason="等待省所检验报告")


def _awaiting_decision(c: Cast) -> Story:
    yield from _verified(  # the chief's decision is today's work
        c,
        6,
        weekday_before(c.today, 12),
        source="agency",
        source_label="区公安分局移送函 公青移〔2026〕9号",
        summary="执法中查获该店销售的处方药无处方登记记录",
        findings="现场核实：处方药销售记录不全",
        violation=True,
    )


def _waiting(c: Cast) -> Story:
    day = weekday_before(c.today, 3)
    yield day, 30
    _register(
        c,
        c.entities[4 % len(c.entities)],
        day,
        source="other",
        source_label="12345热线转来",
        summary="市民反映该店夜间销售处方药不核对处方",
    )


def _taken_over(c: Cast) -> Story:
    """The officer takes over the newest intake clue items still waiting on the day
    (reports the complaints' year sent "to clue", inspection escalations; the clock of
    each runs from the day it arrived): the older left for the chief to assign, the newer
    assigned to the officer. The rest stay waiting in the intake inbox."""
    yield weekday_before(c.today, TAKE_OVER_DAYS_AGO), 200
    waiting = IntakeItem.objects.filter(kind=IntakeKind.CLUE, status=IntakeStatus.NEW)
    items = waiting.exclude(entity=None).order_by("-submitted_at", "-id")[:TAKE_OVER]
    for n, item in enumerate(reversed(list(items))):
        services.clue_from_intake(item, actor=c["officer"], assignee=c["officer"] if n else None)


PUSHES = (
    # days ago, shop, product, issue, outcome (None: still open)
    (38, "康宁大药房官方旗舰店", "阿莫西林胶囊（处方药）", "未凭处方销售处方药", "corrected"),
    (33, "惠民医药专营店", "玻尿酸注射液", "网售未经注册的第三类医疗器械", "for_case"),
    (21, "百草堂养生馆", "祛斑霜", "宣称特殊用途功效但未取得特殊化妆品注册证", None),
    (4, "平安药房小店", "布洛芬缓释胶囊", "未展示药品经营许可证信息", None),
)
FEEDBACK = {
    "corrected": "已约谈网店经营者，商品已下架",
    "for_case": "核实确有网售未注册医疗器械行为",
}


def _push(c: Cast, n: int) -> Story:
    ago, shop, product, issue, outcome = PUSHES[n]
    day = weekday_before(c.today, ago)
    yield day, 100
    data = prompts.PushInput(
        reference=f"QJ-JC-{day:%Y%m%d}-{n + 1:02d}",
        monitored_on=day,
        platform="某电商平台",
        shop_name=shop,
        shop_url=f"https://shop.example/{1000 + n}",
        product=product,
        suspected_issue=issue,
        entity=c.entities[(n * 3 + 1) % len(c.entities)],
    )
    clue = prompts.record_online_push(actor=c["monitor"], data=data)
    answerer = next(
        (
            u
            for k, u in c.people.items()
            if k.startswith("qj.inspector") and u.org_unit_id == clue.org_unit_id
        ),
        None,
    )
    if outcome is None or answerer is None:
        return  # the 工作提示单 stays open (overdue once its limit passes)
    yield weekday_after(day, 6), 150
    prompts.answer_prompt(clue, actor=answerer, outcome=outcome, feedback=FEEDBACK[outcome])


def _stories(c: Cast) -> list[Story]:
    pushes = [_push(c, n) for n in range(len(PUSHES))]
    return [
        _filed_for_case(c),
        _closed_clean(c),
        _transferred(c),
        _extended(c),
        _awaiting_decision(c),
        _waiting(c),
        *pushes,
        _taken_over(c),
    ]


# --- running the stories -----------------------------------------------------------------


def _stories_now() -> list[Story] | None:
    cast = _cast()
    return None if cast is None else _stories(cast)


def _summary() -> str:
    staff = Clue.objects.filter(source__in=MANUAL_SOURCES).count()
    taken = Clue.objects.filter(intake_item__isnull=False).count()
    pushes = Clue.objects.filter(source=ClueSource.ONLINE_MONITORING).count()
    return _("线索：登记 %(s)d 条、接收移交 %(t)d 条、网络监测推送 %(p)d 条（含工作提示单）") % {
        "s": staff,
        "t": taken,
        "p": pushes,
    }


HISTORY = StoryHistory(_stories_now, Clue.objects.exists, _summary)
schedule_history = HISTORY.schedule  # the demo's one timeline (common.demo_steps.DemoHistory)
load_demo = HISTORY.load
