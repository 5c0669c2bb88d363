"""Read querysets of the registry, always scoped to what the user may see (S9)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from yaoan.core.models import User
from yaoan.core.rules import DataScope, data_scope
from yaoan.registry.enums import ExpiryWindow, LicenceKind, LicenceStatus
from yaoan.registry.models import Entity, Licence, Product

EXPIRY_WARNING_DAYS = (90, 30)


def scope_entities(qs: QuerySet[Entity], scope: DataScope) -> QuerySet[Entity]:
    if scope.everything:
        return qs
    return qs.filter(subdistrict__station_id__in=scope.station_ids)


def entities_visible_to(user: User) -> QuerySet[Entity]:
    return scope_entities(Entity.objects.filter(is_deleted=False), data_scope(user))


def licences_visible_to(user: User) -> QuerySet[Licence]:
    scope = data_scope(user)
    qs = Licence.objects.filter(entity__is_deleted=False)
    if scope.everything:
        return qs
    return qs.filter(entity__subdistrict__station_id__in=scope.station_ids)


def products_visible_to(user: User) -> QuerySet[Product]:
    """The product catalogue is district-wide reference data, for anyone who reads the registry."""
    return Product.objects.none() if data_scope(user).nothing else Product.objects.all()


def expiring_licences(qs: QuerySet[Licence], window: str, today: dt.date) -> QuerySet[Licence]:
    qs = qs.filter(status=LicenceStatus.VALID, valid_until__isnull=False).exclude(
        kind__in=LicenceKind.filings()
    )
    if window == ExpiryWindow.EXPIRED:
        return qs.filter(valid_until__lt=today)
    days = int(window)
    return qs.filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=days))


def with_expiring_licence(qs: QuerySet[Entity], window: str) -> QuerySet[Entity]:
    matching = expiring_licences(Licence.objects.all(), window, timezone.localdate())
    # IN (subquery) is evaluated once; SQLite runs a correlated EXISTS once per entity
    return qs.filter(pk__in=matching.values("entity_id"))


def licence_warning(licence: Licence, today: dt.date) -> str:
    """'expired', '30', '90' or '' for a licence, as shown beside it."""
    if licence.valid_until is None or licence.status != LicenceStatus.VALID:
        return ""
    if licence.valid_until < today:
        return ExpiryWindow.EXPIRED
    for days in sorted(EXPIRY_WARNING_DAYS):
        if licence.valid_until <= today + dt.timedelta(days=days):
            return str(days)
    return ""
