"""What every public page shows about the bureau: its name (the district's bureau unit) and
its contact line (settings PORTAL_CONTACT_*)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit


@dataclass(frozen=True)
class BureauContact:
    name: str
    phone: str
    address: str
    hours: str


def bureau_contact() -> BureauContact:
    bureau = (
        OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, parent__isnull=True, is_active=True)
        .order_by("sort_order", "code")
        .values_list("name", flat=True)
        .first()
    )
    return BureauContact(
        name=bureau or "",
        phone=settings.PORTAL_CONTACT_PHONE,
        address=settings.PORTAL_CONTACT_ADDRESS,
        hours=settings.PORTAL_CONTACT_HOURS,
    )
