"""A fast synthetic bulk generator of 投诉举报 for benchmarks/complaints.py.

Rows are built as the application builds them, then written in bulk:

* each complaint is a ``Complaint`` model instance whose values go through the model's own
  fields (``Field.get_db_prep_save``): the reporter's name, phone, ID number and address
  are sealed by ``PersonalDataField`` (core.pii.crypto.seal, SM4-GCM under the key ring
  of the run's var dir) and the phone and ID blind indexes come from ``BlindIndexField``
  (HMAC-SM3) — the platform's sealing, not a copy of it; the content digest and the
  lookup-code digest are complaints.receiving's own functions; due dates are
  core.deadlines.compute_due's;
* each complaint gets the deadline records its history left (acceptance, verification,
  mediation, reply: met, cancelled, running or overdue as the daily sweep leaves them);
* worker processes (``jobs``) build and seal chunks in parallel; the parent writes them:
  ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

What it does not write: audit rows and the key list's entity events of each receipt (the
benchmark reads lists; one summary line is printed instead). Received dates spread evenly
over ``years`` up to now and ids follow them, as receipt numbers do.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

CHUNK = 5000
SUBJECT_TYPE = "complaints.complaint"
PERSONAL = ("reporter_name", "reporter_phone", "reporter_id_number", "reporter_address")
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


@dataclass
class Generated:
    complaints: int
    deadlines: int
    seconds: float
    jobs: int
    sealed_values: int


_PLAN: Plan | None = None  # the workers' copy (inherited through fork)


def plan_for(rows: int, *, years: float, seed: int) -> Plan:
    """Everything the rows depend on, read from the district the demo built."""
    from django.db.models import Max
    from django.utils import timezone

    from yaoan.complaints.models import Complaint
    from yaoan.complaints.receiving import default_unit
    from yaoan.complaints.workflow import ACCEPTANCE, MEDIATION, REPLY, VERIFICATION
    from yaoan.core.actors import system_actor
    from yaoan.core.enums import OrgUnitKind, Role
    from yaoan.core.models import DeadlineRule, User
    from yaoan.registry.models import Entity

    entities = list(
        Entity.objects.filter(is_deleted=False, subdistrict__station__isnull=False)
        .order_by("id")
        .values_list("id", "subdistrict__station_id", "name", "address")
    )
    section = default_unit(None)
    assert section is not None and entities, "load the demo district first (yaoan demo)"
    handlers: dict[int, list[int]] = {}
    people = User.objects.filter(
        is_active=True, role_assignments__role=Role.INSPECTOR, org_unit__kind=OrgUnitKind.STATION
    ).values_list("org_unit_id", "id")
    for unit_id, user_id in people.distinct().order_by("id"):
        handlers.setdefault(unit_id, []).append(user_id)
    chief = User.objects.filter(role_assignments__role=Role.SECTION_CHIEF).order_by("id").first()
    assert chief is not None
    now = timezone.now()
    codes = (ACCEPTANCE, VERIFICATION, MEDIATION, REPLY)
    rules = {r.code: (r.pk, r.amount, r.unit) for r in DeadlineRule.objects.filter(code__in=codes)}
    plan = Plan(
        rows=rows,
        first_id=(Complaint.objects.aggregate(m=Max("id"))["m"] or 0) + 1,
        start=now - dt.timedelta(days=365 * years),
        span=365 * years * 86400,
        today=timezone.localdate(),
        now=now,
        seed=seed,
        entities=entities,
        section_id=section.pk,
        handlers=handlers,
        portal_id=system_actor("portal").pk,
        clerk_id=chief.pk,
        rules=rules,
    )
    plan.due = due_dates(plan, codes)
    return plan


Due = dict[tuple[str, dt.date], tuple[dt.date, bool]]


def due_dates(plan: Plan, codes: tuple[str, ...]) -> Due:
    """compute_due for every rule and start day the rows can have (a few thousand calls
    instead of one per row; the workers only look them up)."""
    from yaoan.core.deadlines import compute_due

    first = plan.start.date() - dt.timedelta(days=1)
    days = (plan.today - first).days + 80  # mediation starts up to ~40 days after receipt
    return {
        (code, first + dt.timedelta(days=n)): compute_due(code, first + dt.timedelta(days=n))
        for code in codes
        for n in range(days)
    }


def received_at(plan: Plan, i: int) -> dt.datetime:
    """Row i's receipt: evenly spread and increasing with i (ids follow receipt order)."""
    return plan.start + dt.timedelta(seconds=plan.span * (i + 0.5) / plan.rows)


def serial_bases(plan: Plan, existing: dict[int, int]) -> dict[int, tuple[int, int]]:
    """For each year: the first row index received in it, and the serial before it (the
    numbers already taken that year by complaints received the normal way)."""
    from django.utils import timezone

    bases: dict[int, tuple[int, int]] = {}
    for i in _year_starts(plan):
        year = timezone.localtime(received_at(plan, i)).year
        bases[year] = (i, existing.get(year, 0))
    return bases


def _year_starts(plan: Plan) -> Iterator[int]:
    """Row indexes where the receipt year changes (bisection: rows are in time order)."""
    from django.utils import timezone

    def year(i: int) -> int:
        return timezone.localtime(received_at(plan, i)).year

    yield 0
    i = 0
    while year(i) != year(plan.rows - 1):
        lo, hi = i, plan.rows - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if year(mid) == year(i) else (lo, mid)
        i = hi
        yield i


# --- one complaint and its deadlines ---------------------------------------------------


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

    from yaoan.complaints.receiving import ComplaintInput, _content_digest, lookup_digest

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


Column = tuple[str, Callable[[Any], Any]]


def columns(model: type[Any], connection: Any, *, with_id: bool = True) -> list[Column]:
    """(column, how its value is written) for each concrete field: personal data through
    the model field itself (``get_db_prep_save``: PersonalDataField seals with SM4-GCM),
    blind indexes through ``BlindIndexField.pre_save`` (HMAC-SM3 of the source value),
    dates and times through the backend's adapter, everything else as it is — the field
    path minus the per-row model instance (several times faster at a million rows)."""
    from django.db import models

    from yaoan.core.pii.fields import BlindIndexField, PersonalDataField

    out: list[Column] = []
    for f in model._meta.concrete_fields:
        if f.primary_key and not with_id:
            continue
        default = f.get_default() if f.has_default() else (None if f.null else "")
        if isinstance(f, PersonalDataField):
            out.append((f.column, _sealed(f, connection)))
        elif isinstance(f, BlindIndexField):
            out.append((f.column, _indexed(f)))
        elif isinstance(f, models.DateTimeField):
            out.append((f.column, _adapted(f.attname, connection.ops.adapt_datetimefield_value)))
        elif isinstance(f, models.DateField):
            out.append((f.column, _adapted(f.attname, connection.ops.adapt_datefield_value)))
        else:
            out.append((f.column, _plain(f.attname, default)))
    return out


def _sealed(f: Any, connection: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda values: f.get_db_prep_save(values.get(f.attname, ""), connection)


def _indexed(f: Any) -> Callable[[dict[str, Any]], Any]:
    source = f.source_field().attname
    return lambda values: f.pre_save(SimpleNamespace(**{source: values.get(source, "")}), True)


def _adapted(name: str, adapt: Callable[[Any], Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda values: adapt(values.get(name))


def _plain(name: str, default: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda values: values.get(name, default)


def row(values: dict[str, Any], cols: list[Column]) -> list[Any]:
    return [write_value(values) for _column, write_value in cols]


def chunk_rows(start: int) -> tuple[int, list[list[Any]], list[list[Any]]]:
    """Rows ``start`` … ``start + CHUNK - 1``, sealed and ready to write (in a worker)."""
    from django.db import connection

    from yaoan.complaints.models import Complaint
    from yaoan.core.models import Deadline

    plan = _PLAN
    assert plan is not None
    rng = random.Random(plan.seed * 1_000_003 + start)
    c_cols, d_cols = columns(Complaint, connection), columns(Deadline, connection, with_id=False)
    complaints, deadlines, sealed = [], [], 0
    for i in range(start, min(start + CHUNK, plan.rows)):
        complaint, records = build(plan, i, rng)
        complaints.append(row(complaint, c_cols))
        deadlines += [row(d, d_cols) for d in records]
        sealed += sum(1 for f in PERSONAL if complaint.get(f))
    return sealed, complaints, deadlines


def generate(rows: int, *, jobs: int, years: float, seed: int) -> Generated:
    """Write ``rows`` complaints (and their deadlines) after whatever is there."""
    global _PLAN
    from django.db import connection, connections, transaction

    from yaoan.complaints.models import Complaint
    from yaoan.complaints.receiving import NUMBER_SERIES
    from yaoan.core.models import Deadline, DocumentSequence

    t0 = time.perf_counter()
    plan = plan_for(rows, years=years, seed=seed)
    existing = dict(
        DocumentSequence.objects.filter(prefix=NUMBER_SERIES).values_list("year", "last_number")
    )
    plan.serial_base = serial_bases(plan, existing)
    _PLAN = plan
    c_cols, d_cols = columns(Complaint, connection), columns(Deadline, connection, with_id=False)
    connections.close_all()  # the workers must not share the parent's connection
    context = multiprocessing.get_context("fork")
    written = [0, 0, 0]
    with context.Pool(jobs) as pool, transaction.atomic():
        for sealed, complaints, deadlines in pool.imap(chunk_rows, range(0, rows, CHUNK)):
            write(connection, Complaint._meta.db_table, c_cols, complaints)
            write(connection, Deadline._meta.db_table, d_cols, deadlines)
            written[0] += len(complaints)
            written[1] += len(deadlines)
            written[2] += sealed
        _advance_numbering(plan, existing)
    finish(connection, [Complaint])
    return Generated(written[0], written[1], time.perf_counter() - t0, jobs, written[2])


def write(connection: Any, table: str, cols: list[Column], rows: list[list[Any]]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(column) for column, _write in cols)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(cols))
            # identifiers come from the models and are quoted; values are parameters
            sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)


def _advance_numbering(plan: Plan, existing: dict[int, int]) -> None:
    """The receipt-number series continue after the bulk rows (a later submission gets
    the next number, as if these had been received one by one)."""
    from yaoan.complaints.receiving import NUMBER_SERIES
    from yaoan.core.models import DocumentSequence

    years = sorted(plan.serial_base)
    for n, year in enumerate(years):
        first_i, base = plan.serial_base[year]
        end = plan.serial_base[years[n + 1]][0] if n + 1 < len(years) else plan.rows
        DocumentSequence.objects.update_or_create(
            prefix=NUMBER_SERIES, year=year, defaults={"last_number": base + end - first_i}
        )


def finish(connection: Any, models: list[Any]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; fresh statistics for its planner
    (as ``yaoan demo`` does after a bulk load); SQLite keeps up by itself."""
    from django.core.management.color import no_style

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        cursor.execute("VACUUM ANALYZE")
