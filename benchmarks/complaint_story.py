"""One synthetic 投诉举报's life for the bulk generator (benchmarks/complaint_rows.py): who
wrote in about what, when, through which channel, how far its handling got by today (usual
durations; a few stall and go overdue), and the deadline records those steps left."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

SUBJECT_TYPE = "complaints.complaint"
STUCK = 0.03  # share of complaints whose handling stalls at some step (they go overdue)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文"
STREETS = ("滨江路", "桂花街", "石门大道", "人民路", "解放路", "新华街", "江城大道", "长安路")
GOODS = {
    "drug": ("感冒灵颗粒", "阿莫西林胶囊", "布洛芬缓释胶囊", "中药饮片", "降压药"),
    "device": ("血糖仪", "电子血压计", "医用口罩", "助听器", "隐形眼镜"),
    "cosmetic": ("美白面霜", "防晒霜", "染发剂", "祛斑精华", "儿童面霜"),
}
PROBLEMS = (
    "销售过期{g}，购买日期{d}，小票金额{m}元",
    "无处方销售{g}，{d}现场所见，店员未登记",
    "{g}标签与实物不符，{d}购买，价格{m}元",
    "宣传{g}有治疗作用，夸大功效，{d}",
    "{g}无中文标签，疑似来源不明，{d}购买{m}元",
)


@dataclass
class Plan:
    """What every worker needs, computed once in the parent before the workers fork."""

    rows: int
    first_id: int
    start: dt.datetime
    span: float  # seconds from the first receipt to now
    today: dt.date
    now: dt.datetime
    seed: int
    entities: list[tuple[int, int, str, str]]  # id, station, name, address
    section_id: int
    handlers: dict[int, list[int]]  # unit id → user ids of its handlers
    portal_id: int
    clerk_id: int
    rules: dict[str, tuple[int, int, str]]  # code → rule id, amount, unit
    due: dict[tuple[str, dt.date], tuple[dt.date, bool]] = field(default_factory=dict)
    serial_base: dict[int, tuple[int, int]] = field(default_factory=dict)  # year → first i, last


def received_at(plan: Plan, i: int) -> dt.datetime:
    """Row i's receipt: evenly spread and increasing with i (ids follow receipt order)."""
    return plan.start + dt.timedelta(seconds=plan.span * (i + 0.5) / plan.rows)


@dataclass
class Story:
    """When each step happened (days after receipt), or None: the step not reached."""

    accepted: int | None = None
    not_accepted: int | None = None
    handed_over: int | None = None
    verified: int | None = None
    mediated: int | None = None
    to_clue: int | None = None
    replied: int | None = None
    evaluated: int | None = None
    closed: int | None = None


def story(rng: random.Random, kind: str, age: int) -> Story:
    """The steps taken by today: usual durations, and a few complaints that stall."""
    s = Story()
    steps: list[tuple[str, int]] = []
    t = rng.randint(0, 6)
    roll = rng.random()
    if roll < 0.06:
        steps.append(("not_accepted", t))
    elif roll < 0.08:
        steps.append(("handed_over", t + rng.randint(1, 5)))
    else:
        steps.append(("accepted", t))
        t += rng.randint(3, 18)
        steps.append(("verified", t))
        if kind == "complaint":
            t += rng.randint(1, 35)
            steps.append(("mediated", t))
        elif rng.random() < 0.25:
            steps.append(("to_clue", t))
        t += rng.randint(0, 4)
        steps.append(("replied", t))
        t += rng.randint(1, 10)
        if rng.random() < 0.7:
            steps.append(("evaluated", t))
        steps.append(("closed", t + rng.randint(0, 3)))
    stall = rng.randrange(len(steps) + 1) if rng.random() < STUCK else len(steps)
    for name, day in steps[:stall]:
        if day <= age:
            setattr(s, name, day)
    return s


STATUS_ORDER = (
    "closed",
    "evaluated",
    "replied",
    "to_clue",
    "mediated",
    "verified",
    "accepted",
    "not_accepted",
    "handed_over",
)
STATUS_OF = {"handed_over": "transferred"}


def status_of(s: Story) -> str:
    for name in STATUS_ORDER:
        if getattr(s, name) is not None:
            return STATUS_OF.get(name, name)
    return "received"


def _phone(rng: random.Random, pool: int) -> str:
    k = rng.randrange(pool)
    return f"1{'3589'[k % 4]}{k:09d}"


def _reporter(rng: random.Random, plan: Plan, anonymous: bool) -> dict[str, str]:
    if anonymous:
        return {}
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
    values = {"reporter_name": name, "reporter_phone": _phone(rng, max(10, plan.rows * 7 // 10))}
    if rng.random() < 0.6:
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
        values["reporter_id_number"] = f"500199{birth:%Y%m%d}{rng.randrange(1000):03d}X"
    if rng.random() < 0.7:
        values["reporter_address"] = f"青江区{rng.choice(STREETS)}{rng.randint(1, 999)}号"
    return values


def build(plan: Plan, i: int, rng: random.Random) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Row i: the complaint's field values (by attname, with its id) and its deadline
    records'."""
    from django.utils import timezone

    from yaoan.complaints.receiving import _content_digest
    from yaoan.complaints.services import ComplaintInput, lookup_digest

    at = received_at(plan, i)
    day = timezone.localtime(at).date()
    kind = "report" if rng.random() < 0.45 else "complaint"
    channel = rng.choices(
        ("portal", "phone", "letter", "email", "visit", "transfer_12315", "transfer_city"),
        weights=(35, 25, 4, 4, 7, 22, 3),
    )[0]
    product_class = rng.choices(("drug", "device", "cosmetic"), weights=(6, 2, 2))[0]
    matched = rng.random() < 0.8
    entity_id, station_id, name, address = rng.choice(plan.entities)
    subject = name if matched or rng.random() < 0.5 else f"{rng.choice(STREETS)}无名药店"
    goods = rng.choice(GOODS[product_class])
    content = rng.choice(PROBLEMS).format(g=goods, d=f"{day:%Y年%m月%d日}", m=rng.randint(5, 900))
    content += f"，请依法查处。（来件{plan.first_id + i}）"  # no two rows are one submission
    reporter = _reporter(rng, plan, anonymous=kind == "report" and rng.random() < 0.3)
    data = ComplaintInput(
        kind=kind,
        channel=channel,
        product_class=product_class,
        content=content,
        subject_name=subject,
        subject_address=address if matched else "",
        entity=SimpleNamespace(pk=entity_id) if matched else None,  # type: ignore[arg-type]
        anonymous=not reporter,
        **reporter,
    )
    unit = station_id if matched else plan.section_id
    s = story(rng, kind, (plan.today - day).days)
    year = timezone.localtime(at).year
    first_i, base = plan.serial_base[year]

    def when(d: int | None) -> dt.datetime | None:
        return None if d is None else at + dt.timedelta(days=d, hours=rng.randint(1, 8))

    pk = plan.first_id + i
    handlers = plan.handlers.get(unit) or [plan.clerk_id]
    complaint = dict(
        id=pk,
        number=f"TJ{year}{base + i - first_i + 1:06d}",
        lookup_code_digest=lookup_digest(f"{rng.randrange(10**10):010d}"),
        external_number=f"12315-{pk}" if channel.startswith("transfer") else "",
        entity_id=entity_id if matched else None,
        org_unit_id=unit,
        assignee_id=rng.choice(handlers) if s.accepted is not None else None,
        received_at=at,
        status=status_of(s),
        content_digest=_content_digest(data),
        created_by_id=plan.portal_id if channel == "portal" else rng.choice(handlers),
        created_at=at,
        accepted_at=when(s.accepted),
        not_accepted_reason="not_our_duty" if s.not_accepted is not None else "",
        verified_at=when(s.verified),
        violation_found=None if s.verified is None else s.to_clue is not None or rng.random() < 0.3,
        findings="经现场核查，情况属实。" if s.verified is not None else "",
        mediation_outcome="agreed" if s.mediated is not None else "",
        mediated_at=when(s.mediated),
        reply_text="已核查处理，特此答复。" if s.replied is not None else "",
        reply_channel="phone" if s.replied is not None else "",
        replied_at=when(s.replied),
        evaluation="satisfied" if s.evaluated is not None else "",
        evaluated_at=when(s.evaluated),
        closed_at=when(s.closed),
        **{k: v for k, v in data.__dict__.items() if k.startswith("reporter_") or k == "anonymous"},
        **{k: getattr(data, k) for k in ("kind", "channel", "product_class", "content")},
        subject_name=subject,
        subject_address=data.subject_address,
    )
    return complaint, deadlines_of(plan, complaint, s, day, kind)


def deadlines_of(
    plan: Plan, complaint: dict[str, Any], s: Story, day: dt.date, kind: str
) -> list[dict[str, Any]]:
    """The clocks its steps opened, each met, cancelled, running or overdue."""
    from yaoan.complaints.workflow import ACCEPTANCE, MEDIATION, REPLY, VERIFICATION

    ended = s.not_accepted if s.not_accepted is not None else s.handed_over
    clocks: list[tuple[str, int, int | None, bool]] = [
        (ACCEPTANCE, 0, s.accepted if s.accepted is not None else s.not_accepted, False)
    ]
    if kind == "report":
        clocks.append((VERIFICATION, 0, s.verified, False))
        if s.verified is not None:
            clocks.append((REPLY, s.verified, s.replied, False))
    elif s.accepted is not None:
        clocks.append((MEDIATION, s.accepted, s.mediated, False))
        if s.mediated is not None:
            clocks.append((REPLY, s.mediated, s.replied, False))
    if s.closed is not None:  # closing meets whatever still ran
        clocks = [(c, st, met if met is not None else s.closed, x) for c, st, met, x in clocks]
    return [
        _deadline(plan, complaint, code, day + dt.timedelta(days=start), met, ended, day)
        for code, start, met, _x in clocks
    ]


def _deadline(
    plan: Plan, complaint: dict[str, Any], code: str, start: dt.date, met: int | None,
    ended: int | None, received: dt.date,
) -> dict[str, Any]:  # fmt: skip
    rule_id, amount, unit = plan.rules[code]
    due, provisional = plan.due[(code, start)]
    closed_on = None if met is None else received + dt.timedelta(days=met)
    if closed_on is not None:
        state = "met"
    elif ended is not None:
        state, closed_on = "cancelled", received + dt.timedelta(days=ended)
    else:
        state = "overdue" if due < plan.today else "open"
    pk = complaint["id"]
    return dict(
        subject_type=SUBJECT_TYPE,
        subject_id=str(pk),
        label=f"{complaint['number']} {'举报' if complaint['kind'] == 'report' else '投诉'}",
        url=f"/complaints/{pk}/",
        rule_id=rule_id,
        org_unit_id=complaint["org_unit_id"],
        assignee_id=complaint["assignee_id"],
        amount=amount,
        unit=unit,
        started_on=start,
        base_due_on=due,
        due_on=due,
        provisional=provisional,
        state=state,
        closed_on=closed_on,
        met_late=state == "met" and closed_on is not None and closed_on > due,
        created_at=plan.now,
    )


# --- chunks in worker processes, written by the parent ---------------------------------
