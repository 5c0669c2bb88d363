"""Getting an inspection to any state through the real services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from yaoan.common.testing import totp_code
from yaoan.core.models import OrgUnit, User
from yaoan.inspections import services
from yaoan.inspections.enums import InspectionKind, ItemResult
from yaoan.inspections.models import Inspection
from yaoan.registry.models import Entity


@dataclass
class Site:
    station: OrgUnit
    other_station: OrgUnit
    pharmacy: Entity
    other_entity: Entity
    inspector: User
    partner: User
    outsider: User
    chief: User


def schedule(site: Site, kind: str = InspectionKind.RANDOM, **kwargs: Any) -> Inspection:
    return services.schedule_inspection(
        actor=kwargs.pop("actor", site.chief),
        entity=kwargs.pop("entity", site.pharmacy),
        kind=kind,
        scheduled_for=kwargs.pop("scheduled_for", timezone.localdate()),
        inspectors=kwargs.pop("inspectors", [site.inspector, site.partner]),
        **kwargs,
    )


def answer_all(
    site: Site, inspection: Inspection, failing: dict[str, str] | None = None
) -> Inspection:
    """Answer every item compliant except ``failing`` (item number → note)."""
    failing = failing or {}
    records = {
        item.pk: (
            (ItemResult.NON_COMPLIANT, failing[item.number])
            if item.number in failing
            else (ItemResult.COMPLIANT, "")
        )
        for item in inspection.checklist.items.all()
    }
    return services.save_draft(actor=site.inspector, inspection=inspection, records=records)


def submit(site: Site, inspection: Inspection, at: dt.datetime | None = None) -> Inspection:
    return services.submit_inspection(
        actor=site.inspector,
        inspection=inspection,
        co_inspector=site.partner,
        co_code=totp_code(site.partner, at),
    )
