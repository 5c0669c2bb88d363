"""Cases for the discretion tests, written straight to the table: these tests are about the
assessment and its consequences, not the procedure that brings a case there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yaoan.cases.enums import CaseSource, CaseStatus
from yaoan.cases.models import Case, Circumstance, Violation
from yaoan.cases.penalty_enums import PenaltyKind
from yaoan.cases.penalty_services import ID_CHECK, ID_WEIGHTS, Proposal, assess_case
from yaoan.common.testing import UserFactory, World
from yaoan.core.enums import Role
from yaoan.core.models import User


def id_number(body: str = "11010519491231002") -> str:
    """A valid synthetic 居民身份证号码 for the 17 digits given."""
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def co_officer(world: World) -> User:
    user: User = UserFactory(org_unit=world.team, roles=[Role.CASE_OFFICER], display_name="钱执法")
    return user


def make_case(world: World, **values: Any) -> Case:
    n = Case.objects.count() + 1
    fields: dict[str, Any] = dict(
        number=f"青市监药罚〔2026〕{n}号",
        title="销售劣药案",
        product_class="drug",
        entity=world.pharmacy,
        party_name=world.pharmacy.name,
        org_unit=world.station,
        lead_officer=world.officer,
        co_officer=values.pop("co", None) or co_officer(world),
        source=CaseSource.INSPECTION,
        facts="检查发现",
        discovered_on=dt.date(2026, 11, 2),
        status=CaseStatus.INVESTIGATING,
        filed_at=timezone.now(),
        created_by=world.officer,
        created_at=timezone.now(),
    )
    fields.update(values)
    return Case.objects.create(**fields)


def violation(code: str) -> Violation:
    return Violation.objects.get(code=code)


def circumstance(code: str) -> Circumstance:
    return Circumstance.objects.get(code=code)


def gsp_assessment(
    case: Case, actor: User, *, fine: str = "300000", ticked: tuple[str, ...] = (), reason: str = ""
) -> Any:
    """药品管理法 第一百二十六条 (十万元以上五十万元以下): the general band is 220,000–380,000."""
    return assess_case(
        case,
        actor=actor,
        violation=violation("drug.gsp"),
        circumstance_ids=[circumstance(c).pk for c in ticked],
        goods_value=None,
        illegal_income=None,
        proposal=Proposal(
            kinds=(PenaltyKind.WARNING, PenaltyKind.FINE), fine=Decimal(fine), reason=reason
        ),
    )


def decide(case: Case, on: dt.datetime | None = None) -> Case:
    """What the decision step leaves behind (the step itself is the case module's)."""
    case.status = CaseStatus.DECIDED
    case.decided_at = on or timezone.now()
    case.outcome = case.outcome or "penalty"
    case.save(update_fields=["status", "decided_at", "outcome"])
    return case
