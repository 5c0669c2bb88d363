"""One synthetic 行政处罚案件's life for the bulk generator (benchmarks/case_rows.py): which
business, what about, which unit and officers, how far the procedure got by today (usual
durations; a few stall and go overdue) and the deadline records those steps left."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SUBJECT_TYPE = "cases.case"
STUCK = 0.04  # share of cases whose handling stalls at some step (they go overdue)
SIMPLE_SHARE = 0.15  # 简易程序: decided on the spot
TITLES = {
    "drug": (
        "销售过期药品案",
        "销售劣药案",
        "销售假药案",
        "未凭处方销售处方药案",
        "从无资质企业购进药品案",
        "未按规定储存药品案",
        "药品经营质量管理规范执行不到位案",
    ),
    "device": (
        "经营未取得注册证的医疗器械案",
        "经营过期医疗器械案",
        "未按规定建立进货查验记录案",
        "医疗器械贮存条件不符合要求案",
    ),
    "cosmetic": (
        "经营标签不符合规定的化妆品案",
        "经营超过使用期限的化妆品案",
        "未建立进货查验记录制度案",
        "宣称具有医疗作用案",
    ),
}
SOURCES = ("clue", "complaint", "inspection", "sampling", "referral", "other")
SOURCE_WEIGHTS = (20, 25, 35, 10, 5, 5)


@dataclass
class Plan:
    """What every worker needs, computed once in the parent before the workers fork."""

    rows: int
    first_id: int
    start: dt.datetime
    span: float  # seconds from the first case to now
    today: dt.date
    now: dt.datetime
    seed: int
    entities: list[tuple[int, int, str]]  # id, station, name
    officers: dict[int, list[int]]  # unit id → user ids of its case officers
    enforcement_id: int  # the 执法支队: bureau-level and serious cases
    creator_id: int
    approver_id: int  # the chief who approves 立案, 审核, 决定, 结案
    legal_reviewer_id: int
    number_prefix: str  # the case numbers' series: <prefix>〔year〕n号
    rules: dict[str, tuple[int, int, str]]  # step clock → rule id, amount, unit
    statuses: dict[str, str]  # step reached → CaseStatus value
    due: dict[tuple[str, dt.date], tuple[dt.date, bool]] = field(default_factory=dict)
    serial_base: dict[int, tuple[int, int]] = field(default_factory=dict)  # year → first i, last


def opened_at(plan: Plan, i: int) -> dt.datetime:
    """Row i's opening: evenly spread and increasing with i (ids follow case numbers)."""
    return plan.start + dt.timedelta(seconds=plan.span * (i + 0.5) / plan.rows)


# the steps of the procedure in order, each with the days it usually takes after the last
ORDINARY = (
    ("filed", 1, 12),  # 立案 approval, within 15 working days of the clue
    ("investigated", 10, 50),  # 调查终结
    ("reviewed", 1, 5),  # 案件审核
    ("legally_reviewed", 2, 12),  # 法制审核 (10 working days)
    ("notified", 1, 6),  # 告知 served
    ("decided", 7, 20),  # 陈述申辩 5 working days run, then the decision
    ("delivered", 1, 7),  # 送达
    ("executed", 3, 30),  # 执行
    ("closed", 1, 10),  # 结案
)
SIMPLE = (("decided", 0, 0), ("delivered", 0, 1), ("executed", 0, 15), ("closed", 1, 5))
# ways out of the procedure before a decision: (step, share, after which step)
ENDINGS = (("not_filed", 0.05, None), ("revoked", 0.02, "filed"),
           ("terminated", 0.01, "investigated"), ("transferred", 0.03, "filed"))  # fmt: skip


@dataclass
class Story:
    """The day (after opening) each step happened, or absent: the step not reached."""

    simple: bool
    days: dict[str, int] = field(default_factory=dict)
    suspended: int = 0  # days the 90-day clock stood still (检验、鉴定、听证、公告)
    extended: bool = False  # the head approved 30 more days
    hearing: bool = False
    ending: str = ""

    def at(self, step: str) -> int | None:
        return self.days.get(step)


def story(rng: random.Random, age: int) -> Story:
    """The steps taken by today: usual durations, a few ended early, a few that stall."""
    simple = rng.random() < SIMPLE_SHARE
    s = Story(simple=simple)
    steps = SIMPLE if simple else ORDINARY
    ending = None if simple else _ending(rng)
    if not simple:
        s.hearing = rng.random() < 0.05
        if rng.random() < 0.12:
            s.suspended = rng.randint(10, 45)  # a test or a determination of the goods
        s.extended = rng.random() < 0.08
    t = 0
    stall = rng.randrange(len(steps) + 1) if rng.random() < STUCK else len(steps)
    for n, (name, low, high) in enumerate(steps):
        if ending and ending[1] == (steps[n - 1][0] if n else None):
            t += rng.randint(1, 20)
            if t <= age and n <= stall:
                s.ending, s.days[ending[0]] = ending[0], t
            return s
        t += rng.randint(low, high)
        if name == "decided":
            t += s.suspended + (15 if s.hearing else 0) + (rng.randint(5, 25) if s.extended else 0)
        if n >= stall or t > age:
            return s
        s.days[name] = t
    return s


def _ending(rng: random.Random) -> tuple[str, str | None] | None:
    roll = rng.random()
    for name, share, after in ENDINGS:
        if roll < share:
            return name, after
        roll -= share
    return None


def status_of(plan: Plan, s: Story) -> str:
    if s.ending:
        return plan.statuses[s.ending]
    reached = [name for name in ("opened", *s.days) if name == "opened" or name in s.days]
    return plan.statuses[reached[-1]]


def build(plan: Plan, i: int, rng: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Row i: the case's field values (by the interface's names, with its id) and its
    deadline records'."""
    from django.utils import timezone

    at = opened_at(plan, i)
    day = timezone.localtime(at).date()
    entity_id, station_id, name = rng.choice(plan.entities)
    bureau_level = rng.random() < 0.3
    unit = plan.enforcement_id if bureau_level or station_id not in plan.officers else station_id
    lead, co = rng.sample(plan.officers[unit], 2)
    product_class = rng.choices(("drug", "device", "cosmetic"), weights=(6, 2, 2))[0]
    s = story(rng, (plan.today - day).days)
    year = timezone.localtime(at).year
    first_i, base = plan.serial_base[year]
    pk = plan.first_id + i

    def when(step: str) -> dt.datetime | None:
        d = s.at(step)
        return None if d is None else at + dt.timedelta(days=d, hours=rng.randint(1, 8))

    serial = base + i - first_i + 1
    values = dict(
        id=pk,
        number=f"{plan.number_prefix}〔{year}〕{serial}号",
        procedure="simple" if s.simple else "ordinary",
        status=status_of(plan, s),
        title=f"{name}{rng.choice(TITLES[product_class])}",
        product_class=product_class,
        entity_id=entity_id,
        party_name=name,
        org_unit_id=unit,
        lead_officer_id=lead,
        co_officer_id=co,
        source=rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0],
        facts=f"{day:%Y年%m月%d日}，执法人员在{name}检查时发现涉嫌违法行为。（案{pk}）",
        discovered_on=day - dt.timedelta(days=rng.randint(0, 10)),
        is_serious=not s.simple and rng.random() < 0.06,
        created_by_id=plan.creator_id,
        created_at=at,
        **procedure_values(plan, s, when),
    )
    return values, deadlines_of(plan, values, s, day)


def procedure_values(
    plan: Plan, s: Story, when: Callable[[str], dt.datetime | None]
) -> dict[str, Any]:
    """What each step reached wrote on the case: who approved it, when, what was decided."""
    filed, decided, delivered, executed = (
        when(n) for n in ("filed", "decided", "delivered", "executed")
    )
    notified = when("notified")
    approver = plan.approver_id
    values: dict[str, Any] = dict(
        filed_at=filed if not s.simple else when("decided"),
        filed_by_id=approver if filed else None,
        reviewed_by_id=approver if when("reviewed") else None,
        legal_reviewer_id=plan.legal_reviewer_id if when("legally_reviewed") else None,
        legal_reviewed_at=when("legally_reviewed"),
        notice_served_on=notified.date() if notified else None,
        notice_delivery_method="direct" if notified else "",
        statement_due_on=(notified + dt.timedelta(days=7)).date() if notified else None,
        decided_at=decided,
        decided_by_id=approver if decided else None,
        outcome="penalty" if decided else "",
        decision_summary="警告，并处罚款。" if decided else "",
        fine_total=Decimal(200 if s.simple else 5000) if decided else None,
        execution_required=bool(decided),
        delivered_on=delivered.date() if delivered else None,
        delivery_method=("on_spot" if s.simple else "direct") if delivered else "",
        executed_on=executed.date() if executed else None,
        execution_method="paid" if executed else "",
        closed_at=when(s.ending) if s.ending else when("closed"),
        closed_by_id=approver if when("closed") else None,
        end_reason={"not_filed": "no_violation", "revoked": "no_violation",
                    "terminated": "party_gone", "transferred": "no_jurisdiction"}.get(s.ending, ""),
        transferred_to="区卫生健康委" if s.ending == "transferred" else "",
    )  # fmt: skip
    return values


def deadlines_of(plan: Plan, case: dict[str, Any], s: Story, day: dt.date) -> list[dict[str, Any]]:
    """The clocks its steps opened, each met, cancelled, running or overdue: filing from
    the discovery (not for a clue's case), the 90-day decision from 立案 (moved by
    suspensions and an extension), 法制审核 from the review, delivery and publication from
    the decision, execution from the delivery (the 陈述申辩 period is a date on the case,
    not a clock)."""
    if s.simple:
        return []
    ended = s.at(s.ending) if s.ending else None
    filed = s.at("filed")
    clocks: list[tuple[str, int, int | None, Story | None]] = []
    if case["source"] != "clue":  # a clue's own verification clock was this limit
        clocks.append(("filing", (case["discovered_on"] - day).days, filed, None))
    if filed is not None:
        clocks.append(("decision", filed, s.at("decided"), s))
        if s.at("reviewed") is not None:
            clocks.append(("legal_review", s.at("reviewed") or 0, s.at("legally_reviewed"), None))
        decided = s.at("decided")
        if decided is not None:
            clocks.append(("delivery", decided, s.at("delivered"), None))
            published = decided + random.Random(case["id"]).randint(3, 25)
            clocks.append(("publication", decided, published, None))
        if s.at("delivered") is not None:
            clocks.append(("execution", s.at("delivered") or 0, s.at("executed"), None))
    return [
        _deadline(plan, case, code, day, start, met, ended, held)
        for code, start, met, held in clocks
        if code in plan.rules
    ]


def _deadline(
    plan: Plan, case: dict[str, Any], code: str, opened: dt.date, start: int, met: int | None,
    ended: int | None, held: Story | None,
) -> dict[str, Any]:  # fmt: skip
    """One deadline record; ``held``: the story whose suspension and extension move it
    (the decision clock: calendar days, so the days add up as they are)."""
    rule_id, amount, unit = plan.rules[code]
    started = opened + dt.timedelta(days=start)
    base, provisional = plan.due[(code, started)]
    suspended = held.suspended if held else 0
    extended = 30 if held and held.extended else 0
    due = base + dt.timedelta(days=suspended + extended)
    closed_on = None if met is None else opened + dt.timedelta(days=met)
    if closed_on is not None and closed_on > plan.today:
        closed_on = None  # the step is still to come
    if closed_on is not None:
        state = "met"
    elif ended is not None:
        state, closed_on = "cancelled", opened + dt.timedelta(days=ended)
    else:
        state = "overdue" if due < plan.today else "open"
    pk = case["id"]
    return dict(
        subject_type=SUBJECT_TYPE,
        subject_id=str(pk),
        label=f"{case['number']} {case['title']}"[:200],
        url=f"/cases/{pk}/",
        rule_id=rule_id,
        org_unit_id=case["org_unit_id"],
        assignee_id=case["lead_officer_id"],
        amount=amount,
        unit=unit,
        started_on=started,
        base_due_on=base,
        due_on=due,
        provisional=provisional,
        state=state,
        closed_on=closed_on,
        met_late=state == "met" and closed_on is not None and closed_on > due,
        extended_units=extended,
        suspended_units=suspended,
        created_at=plan.now,
    )
