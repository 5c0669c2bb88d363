"""Cases for the publication and 案卷评查 tests: decided or closed cases written directly
(the procedure's own tests drive the steps; these need a case at the end of them)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yaoan.cases.enums import CaseSource, CaseStatus, DecisionOutcome, Procedure
from yaoan.cases.models import Case
from yaoan.common.testing import UserFactory, World
from yaoan.core.enums import Role
from yaoan.core.models import User
from yaoan.registry.enums import ProductClass

_numbers = itertools.count(1)


def second_officer(world: World) -> User:
    """The co-officer every case needs (two officers by law)."""
    found = User.objects.filter(username="test.co_officer").first()
    if found is not None:
        return found
    return UserFactory(
        username="test.co_officer",
        org_unit=world.team,
        roles=[Role.CASE_OFFICER],
        display_name="钱执法",
    )


def make_case(
    world: World,
    *,
    status: str = CaseStatus.DECIDED,
    procedure: str = Procedure.ORDINARY,
    person: bool = False,
    decided_at: dt.datetime | None = None,
    closed_at: dt.datetime | None = None,
    outcome: str = DecisionOutcome.PENALTY,
    **fields: Any,
) -> Case:
    now = timezone.now()
    entity = None if person else fields.pop("entity", world.pharmacy)
    values: dict[str, Any] = {
        "number": f"测稽〔2026〕{next(_numbers)}号",
        "procedure": procedure,
        "status": status,
        "title": "销售劣药",
        "product_class": ProductClass.DRUG,
        "entity": entity,
        "party_name": "张三丰" if person else (entity.name if entity else ""),
        "party_is_person": person,
        "org_unit": world.station,
        "lead_officer": world.officer,
        "co_officer": second_officer(world),
        "source": CaseSource.INSPECTION,
        "facts": "检查发现销售劣药",
        "discovered_on": (decided_at or now).date() - dt.timedelta(days=40),
        "filed_at": (decided_at or now) - dt.timedelta(days=30),
        "outcome": outcome,
        "decision_summary": "没收违法所得1200元，罚款5000元",
        "fine_total": Decimal("6200.00"),
        "decided_at": decided_at or now,
        "closed_at": closed_at,
        "created_by": world.officer,
        "created_at": (decided_at or now) - dt.timedelta(days=31),
    }
    values.update(fields)
    return Case.objects.create(**values)
