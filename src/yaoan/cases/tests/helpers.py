"""Cases made the way officers make them, and the dates the tests travel to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine

from yaoan.cases import evidence_services, services
from yaoan.cases.enums import EvidenceKind
from yaoan.cases.models import Case
from yaoan.cases.tests.penalty_helpers import gsp_assessment
from yaoan.common.testing import UserFactory, World
from yaoan.core.enums import Role
from yaoan.core.models import User

# 2026: 1–7 October are holidays, Saturday 10 October is a working day
NATIONAL_DAY_WEEK = dt.date(2026, 9, 28)


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    """Today is ``day`` (10:00 in Beijing) inside the block."""
    moment = dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        yield


def co_officer(world: World) -> User:
    return UserFactory(org_unit=world.team, roles=[Role.CASE_OFFICER], display_name="协办员")


def legal_reviewer(world: World) -> User:
    return UserFactory(org_unit=world.section, roles=[Role.LEGAL_REVIEWER], display_name="法制员")


def registered(world: World, partner: User | None = None, **kwargs: Any) -> Case:
    values: dict[str, Any] = {
        "title": "销售劣药案",
        "facts": "检查发现该药房销售超过有效期的阿莫西林胶囊",
        "lead_officer": world.officer,
        "co_officer": partner or co_officer(world),
        "source": "inspection",
        "entity": world.pharmacy,
    }
    data = services.CaseInput(**(values | kwargs))
    return services.open_case(actor=world.officer, data=data)


def with_evidence(case: Case, actor: User) -> Case:
    evidence_services.record_evidence(
        case, actor=actor, kind=EvidenceKind.SITE_RECORD, title="现场笔录"
    )
    return case


def to_notice(world: World, reviewer: User, *, assessed: bool = True, **kwargs: Any) -> Case:
    """A case filed, investigated, reviewed and legally reviewed: the notice is next (with
    the discretion assessment the notice needs, unless ``assessed`` is False)."""
    case = registered(world, **kwargs)
    case = services.approve_filing(case, actor=world.chief, note="同意立案")
    with_evidence(case, world.officer)
    case = services.finish_investigation(
        case, actor=world.officer, report="违法事实清楚", proposal="没收违法所得并处罚款"
    )
    case = services.review(case, actor=world.chief, opinion="同意")
    case = services.legal_review(case, actor=reviewer, opinion="事实清楚，适用法律正确")
    if assessed:
        gsp_assessment(case, world.officer)
    return case
