"""A fast synthetic bulk generator of 投诉举报 for benchmarks/complaints.py.

Rows are built as the application builds them, then written in bulk:

* each complaint's values (complaint_story.build) go through the ``Complaint`` model's own
  fields: the reporter's name, phone, ID number and address are sealed by
  ``PersonalDataField.get_db_prep_save`` (core.pii.crypto.seal, SM4-GCM under the key ring
  of the run's var dir) and the phone and ID blind indexes come from
  ``BlindIndexField.pre_save`` (HMAC-SM3) — the platform's sealing, not a copy of it; the
  content digest and the lookup-code digest are complaints.receiving's own functions; due
  dates are core.deadlines.compute_due's;
* each complaint gets the deadline records its history left (acceptance, verification,
  mediation, reply: met, cancelled, running or overdue as the daily sweep leaves them);
* worker processes (``jobs``) build and seal chunks in parallel; the parent writes them:
  ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

What it does not write: the audit rows and the key list's entity events of each receipt
(the benchmark reads lists). Received dates spread evenly over ``years`` up to now and ids
follow them, as receipt numbers do; the receipt-number series continue after them.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from complaint_story import Plan, build, received_at

CHUNK = 5000
PERSONAL = ("reporter_name", "reporter_phone", "reporter_id_number", "reporter_address")


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
