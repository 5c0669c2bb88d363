"""Cases, evidence and seized items for the tests of transfers, supervision and
escalation: written straight to the tables (a factory, not the procedure under test),
with the 90-day decision clock opened through the deadline platform as filing opens it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from django.utils import timezone

from yaoan.cases.enums import CaseSource, CaseStatus, EvidenceKind, SeizureMeasure
from yaoan.cases.models import Case, Evidence, SeizedItem
from yaoan.common.testing import UserFactory, World
from yaoan.core.deadlines import open_deadline
from yaoan.core.enums import Role
from yaoan.core.models import OrgUnit, User


def station_officer(world: World, name: str = "江城执法员") -> User:
    """A case officer of ``world.station`` (scoped to it)."""
    return cast(
        User, UserFactory(org_unit=world.station, roles=[Role.CASE_OFFICER], display_name=name)
    )


def bureau_officer(world: World, name: str = "支队执法员") -> User:
    return cast(
        User, UserFactory(org_unit=world.team, roles=[Role.CASE_OFFICER], display_name=name)
    )


_serial = iter(range(1, 100000))


def make_case(
    world: World,
    *,
    unit: OrgUnit | None = None,
    lead: User | None = None,
    co: User | None = None,
    status: str = CaseStatus.INVESTIGATING,
    filed_on: dt.date | None = None,
) -> Case:
    lead = lead or world.officer
    co = co or bureau_officer(world, "协办员")
    filed_on = filed_on or timezone.localdate()
    case = Case.objects.create(
        number=f"测案〔2026〕{next(_serial)}号",
        status=status,
        title="销售假药",
        product_class="drug",
        entity=world.pharmacy,
        party_name=world.pharmacy.name,
        org_unit=unit or world.station,
        lead_officer=lead,
        co_officer=co,
        source=CaseSource.INSPECTION,
        facts="检查发现销售无批准文号药品",
        discovered_on=filed_on,
        filed_at=timezone.now(),
        created_by=lead,
        created_at=timezone.now(),
    )
    open_deadline(
        actor=lead,
        subject=case,
        rule_code="case_decision",
        org_unit=case.org_unit,
        assignee=lead,
        start=filed_on,
    )
    return case


def add_evidence(case: Case, title: str = "现场检查笔录") -> Evidence:
    return Evidence.objects.create(
        case=case,
        kind=EvidenceKind.SITE_RECORD,
        title=title,
        collected_on=timezone.localdate(),
        collected_by=case.lead_officer,
        recorded_at=timezone.now(),
    )


def add_seized(case: Case) -> SeizedItem:
    today = timezone.localdate()
    return SeizedItem.objects.create(
        case=case,
        measure=SeizureMeasure.SEIZE,
        name="某某胶囊",
        quantity=Decimal("20"),
        quantity_unit="盒",
        location="区局涉案物品仓库",
        seized_on=today,
        until=today + dt.timedelta(days=30),
        recorded_by=case.lead_officer,
    )
