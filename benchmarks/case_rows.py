"""A fast synthetic bulk generator of 行政处罚案件 for benchmarks/cases.py.

Rows are built as the procedure leaves them (benchmarks/case_story.py), then written in
bulk through the same column writers as the complaints' generator
(complaint_rows.columns: each concrete field of ``cases.Case`` as the model writes it):

* a case per row: the business from the registry, its station or the 执法支队 handling it
  with two case officers (by law), 普通程序 or 简易程序, the state its steps reached by
  today (a few not filed, revoked, terminated or transferred; a few stalled);
* the deadline records its history left: filing (15 working days), the 90-day decision
  from 立案 (moved by suspensions and a 30-day extension), 法制审核 (10 working days),
  delivery (7 days), execution (15 days) and publication (20 working days) — met,
  cancelled, running or overdue as the daily sweep leaves them; due dates are
  core.deadlines.compute_due's;
* worker processes (``jobs``) build chunks in parallel; the parent writes them:
  ``executemany`` on SQLite, ``COPY`` on PostgreSQL.

The district's case officers: the demo has one (qj.case, 执法支队); a district handling
5,000 cases a year has several in the 支队 and in every station, so each unit gets
``OFFICERS_PER_UNIT`` (accounts ``bench.case.<unit>.<n>`` that cannot sign in: no
password). What it does not write: evidence, seized items, documents, audit rows, the
suspension records behind a moved decision date (the lists read the cases and their
deadline records). Opening dates spread evenly over ``years`` up to now and ids follow
them, as case numbers do; the numbering series continue after them.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import time
from dataclasses import dataclass
from typing import Any

from case_story import Plan, build, opened_at
from complaint_rows import columns, finish, row, write

CHUNK = 2000
OFFICERS_PER_UNIT = 6
ENFORCEMENT_UNIT = "qj-enforcement"


@dataclass
class Generated:
    cases: int
    deadlines: int
    seconds: float
    jobs: int
    officers_added: int


_PLAN: Plan | None = None  # the workers' copy (inherited through fork)


def officers_by_unit() -> tuple[dict[int, list[int]], int, int]:
    """unit id → case officers, with accounts added up to ``OFFICERS_PER_UNIT`` in each
    station and the 执法支队; and the 支队's id, and how many accounts were added."""
    from yaoan.core.enums import OrgUnitKind, Role
    from yaoan.core.models import OrgUnit, RoleAssignment, User

    enforcement = OrgUnit.objects.get(code=ENFORCEMENT_UNIT)
    units = [enforcement, *OrgUnit.objects.filter(kind=OrgUnitKind.STATION).order_by("id")]
    added = 0
    officers: dict[int, list[int]] = {}
    for unit in units:
        have = list(
            User.objects.filter(
                org_unit=unit, is_active=True, role_assignments__role=Role.CASE_OFFICER
            ).values_list("id", flat=True)
        )
        for n in range(len(have), OFFICERS_PER_UNIT):
            user = User.objects.create(
                username=f"bench.case.{unit.code}.{n}",
                display_name=f"{unit.name[:6]}办案{n + 1}",
                org_unit=unit,
                password="!",  # noqa: S106 -- unusable: the account is only a name on cases
            )
            RoleAssignment.objects.create(user=user, role=Role.CASE_OFFICER)
            have.append(user.pk)
            added += 1
        officers[unit.pk] = sorted(have)
    return officers, enforcement.pk, added


def plan_for(rows: int, *, years: float, seed: int) -> tuple[Plan, int]:
    """Everything the rows depend on, read from the district the demo built."""
    from django.db.models import Max
    from django.utils import timezone

    from yaoan.cases.models import Case
    from yaoan.core.enums import Role
    from yaoan.core.models import DeadlineRule, User
    from yaoan.registry.models import Entity

    entities = list(
        Entity.objects.filter(is_deleted=False, subdistrict__station__isnull=False)
        .order_by("id")
        .values_list("id", "subdistrict__station_id", "name")
    )
    assert entities, "load the demo district first (yaoan demo)"
    officers, enforcement_id, added = officers_by_unit()
    creator = User.objects.get(username="qj.case")
    approver = User.objects.get(username="qj.chief")
    legal = User.objects.filter(role_assignments__role=Role.LEGAL_REVIEWER).order_by("id").first()
    now = timezone.now()
    codes = rule_codes()
    found = DeadlineRule.objects.filter(code__in=codes.values())
    by_code = {r.code: (r.pk, r.amount, r.unit) for r in found}
    rules = {clock: by_code[code] for clock, code in codes.items() if code in by_code}
    plan = Plan(
        rows=rows,
        first_id=(Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1,
        start=now - dt.timedelta(days=365 * years),
        span=365 * years * 86400,
        today=timezone.localdate(),
        now=now,
        seed=seed,
        entities=entities,
        officers=officers,
        enforcement_id=enforcement_id,
        creator_id=creator.pk,
        approver_id=approver.pk,
        legal_reviewer_id=(legal or approver).pk,
        number_prefix=number_series(),
        rules=rules,
        statuses=statuses(),
    )
    plan.due = due_dates(plan)
    return plan, added


def rule_codes() -> dict[str, str]:
    """The case's clocks (case_story's names) → DeadlineRule codes (cases.workflow)."""
    from yaoan.cases import workflow

    return {
        "filing": workflow.FILING,
        "decision": workflow.DECISION,
        "legal_review": workflow.LEGAL_REVIEW,
        "delivery": workflow.DELIVERY,
        "execution": workflow.EXECUTION,
        "publication": workflow.PUBLICATION,
    }


def statuses() -> dict[str, str]:
    """The step a story reached → the CaseStatus it leaves the case in."""
    from yaoan.cases.enums import CaseStatus

    return {
        "opened": CaseStatus.PENDING_FILING,
        "filed": CaseStatus.INVESTIGATING,
        "investigated": CaseStatus.CASE_REVIEW,
        "reviewed": CaseStatus.LEGAL_REVIEW,
        "legally_reviewed": CaseStatus.PENDING_NOTICE,
        "notified": CaseStatus.NOTICE_SERVED,
        "decided": CaseStatus.DECIDED,
        "delivered": CaseStatus.DELIVERED,
        "executed": CaseStatus.EXECUTED,
        "closed": CaseStatus.CLOSED,
        "not_filed": CaseStatus.NOT_FILED,
        "revoked": CaseStatus.REVOKED,
        "terminated": CaseStatus.TERMINATED,
        "transferred": CaseStatus.TRANSFERRED,
    }


Due = dict[tuple[str, dt.date], tuple[dt.date, bool]]


def due_dates(plan: Plan) -> Due:
    """The due date of every clock from every start day the rows can have, counted as
    core.deadlines.compute_due counts (calendar days as they are; working days through one
    provisional WorkingCalendar, its flag read per date) — compute_due itself reads the
    rule and the calendar's overrides on every call, too slow for ten years of start days."""
    from yaoan.core.calendar import WorkingCalendar
    from yaoan.core.enums import DeadlineUnit

    calendar = WorkingCalendar(provisional=True)
    first = plan.start.date() - dt.timedelta(days=15)  # the filing clock starts at discovery
    days = (plan.today - first).days + 400  # later steps start up to ~a year after opening
    out: Due = {}
    for clock, (_rule_id, amount, unit) in plan.rules.items():
        for n in range(days):
            start = first + dt.timedelta(days=n)
            if unit == DeadlineUnit.CALENDAR_DAYS:
                out[(clock, start)] = (start + dt.timedelta(days=amount), False)
                continue
            calendar.provisional_used = False
            out[(clock, start)] = (
                calendar.add_working_days(start, amount),
                calendar.provisional_used,
            )
    return out


def serial_bases(plan: Plan, existing: dict[int, int]) -> dict[int, tuple[int, int]]:
    """For each year: the first row index opened in it, and the serial before it."""
    from django.utils import timezone

    bases: dict[int, tuple[int, int]] = {}
    for i in range(plan.rows):  # fifty thousand look-ups: no need to bisect
        year = timezone.localtime(opened_at(plan, i)).year
        bases.setdefault(year, (i, existing.get(year, 0)))
    return bases


def chunk_rows(start: int) -> tuple[list[list[Any]], list[list[Any]]]:
    """Rows ``start`` … ``start + CHUNK - 1``, ready to write (in a worker)."""
    from django.db import connection

    from yaoan.cases.models import Case
    from yaoan.core.models import Deadline

    plan = _PLAN
    assert plan is not None
    rng = random.Random(plan.seed * 1_000_003 + start)
    c_cols, d_cols = columns(Case, connection), columns(Deadline, connection, with_id=False)
    cases, deadlines = [], []
    for i in range(start, min(start + CHUNK, plan.rows)):
        case, records = build(plan, i, rng)
        cases.append(row(case, c_cols))
        deadlines += [row(d, d_cols) for d in records]
    return cases, deadlines


def generate(rows: int, *, jobs: int, years: float, seed: int) -> Generated:
    """Write ``rows`` cases (and their deadlines) after whatever is there."""
    global _PLAN
    from django.db import connection, connections, transaction

    from yaoan.cases.models import Case
    from yaoan.core.models import Deadline, DocumentSequence

    t0 = time.perf_counter()
    plan, added = plan_for(rows, years=years, seed=seed)
    series = number_series()
    existing = dict(
        DocumentSequence.objects.filter(prefix=series).values_list("year", "last_number")
    )
    plan.serial_base = serial_bases(plan, existing)
    _PLAN = plan
    c_cols, d_cols = columns(Case, connection), columns(Deadline, connection, with_id=False)
    connections.close_all()  # the workers must not share the parent's connection
    context = multiprocessing.get_context("fork")
    written = [0, 0]
    with context.Pool(jobs) as pool, transaction.atomic():
        for cases, deadlines in pool.imap(chunk_rows, range(0, rows, CHUNK)):
            write(connection, Case._meta.db_table, c_cols, cases)
            write(connection, Deadline._meta.db_table, d_cols, deadlines)
            written[0] += len(cases)
            written[1] += len(deadlines)
        advance_numbering(plan, series)
    finish(connection, [Case])
    return Generated(written[0], written[1], time.perf_counter() - t0, jobs, added)


def number_series() -> str:
    """The case numbers' series (core.numbering: <prefix>〔year〕n号)."""
    from yaoan.cases.opening import NUMBER_PREFIX

    return str(NUMBER_PREFIX)


def advance_numbering(plan: Plan, series: str) -> None:
    """The case-number series continue after the bulk rows (a case opened later gets the
    next number, as if these had been opened one by one)."""
    from yaoan.core.models import DocumentSequence

    years = sorted(plan.serial_base)
    for n, year in enumerate(years):
        first_i, base = plan.serial_base[year]
        end = plan.serial_base[years[n + 1]][0] if n + 1 < len(years) else plan.rows
        DocumentSequence.objects.update_or_create(
            prefix=series, year=year, defaults={"last_number": base + end - first_i}
        )
