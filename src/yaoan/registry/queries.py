"""Read querysets of the registry, always scoped to what the user may see (S9)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.errors import INVALID, invalid
from yaoan.core.access import visible_or_404
from yaoan.core.models import User
from yaoan.core.pii.fields import matches
from yaoan.core.scoping import visible_to
from yaoan.registry.enums import ExpiryWindow, LicenceKind, LicenceStatus
from yaoan.registry.extensions import profile_granted
from yaoan.registry.models import Entity, Licence, Product

EXPIRY_WARNING_DAYS = (90, 30)


# an entity belongs to the station whose grid holds its subdistrict (core.scoping)
ENTITY_STATION = "subdistrict__station"


def entities_visible_to(user: User) -> QuerySet[Entity]:
    """The entities (not deleted) in the user's scope: every reader of the registry, in
    every app, starts here. The entity list writes the same scope in its own SQL forms
    (registry.listing_sql.listed_entities), tested to list exactly these."""
    return visible_to(user, Entity.objects.filter(is_deleted=False), station=ENTITY_STATION)


def chosen_entity(user: User, pk: int | None, *, field: str = "entity_id") -> Entity | None:
    """The business an input names by id (None when it names none), refused on ``field``
    when it does not exist or lies outside the user's scope — the two are not told apart."""
    if pk is None:
        return None
    entity = entities_visible_to(user).filter(pk=pk).first()
    if entity is None:
        raise invalid(INVALID, _("没有该监管对象或不在您的管辖范围内"), field=field)
    return entity


def deleted_entities_visible_to(user: User) -> QuerySet[Entity]:
    """Deleted entities in the user's scope: only to restore one."""
    return visible_to(user, Entity.objects.filter(is_deleted=True), station=ENTITY_STATION)


# the trigram index (SQLite FTS5, PostgreSQL pg_trgm) finds substrings of 3+ characters;
# a shorter term is matched by scanning, as before
SEARCH_INDEX_MIN_CHARS = 3


def search_condition(term: str) -> Q:
    """What a search term finds: the name contains it (any case), or — for letters and
    digits — the credit code starts with it or the pinyin initials contain it."""
    condition = Q(name__icontains=term)
    upper = term.upper()
    if _code_like(upper):
        condition |= Q(uscc__startswith=upper) | Q(name_initials__contains=upper)
    return condition


PHONE_TERM = re.compile(r"^(\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}$|^0\d{2,3}-\d{7,8}$")


def looks_like_phone(term: str) -> bool:
    """A mobile (13800001234, 138 0000 1234, +86…) or a landline with its area code and
    dash (023-12345678). Codes and names never look like this."""
    return bool(PHONE_TERM.match(term))


def _code_like(upper: str) -> bool:
    return upper.isascii() and upper.replace(" ", "").isalnum()


def entities_matching(qs: QuerySet[Entity], term: str) -> QuerySet[Entity]:
    """Entities found by ``term`` (see search_condition), through the search index.

    PostgreSQL's planner uses the trigram indexes for search_condition's own SQL. SQLite
    cannot index LIKE '%…%', so there the FTS5 trigram table over name, initials and
    credit code (migrations 0003, 0005), joined (models.EntitySearchRow), first narrows
    the rows to candidates — a superset: it folds case at least as widely as LIKE, finds
    a code anywhere where the search wants its start, and credit codes are stored in
    upper case — and search_condition then decides exactly as it does without the
    index. The join streams the index's matches, so a count that stops at the list's
    limit reads no further.
    """
    term = term.strip()
    if not term:
        return qs
    if looks_like_phone(term):
        # phones are sealed: found by their blind index, exactly (core.pii)
        return qs.filter(matches(Entity, "contact_phone", term))
    if connections[qs.db].vendor == "sqlite" and len(term) >= SEARCH_INDEX_MIN_CHARS:
        phrase = '"' + term.replace('"', '""') + '"'  # one FTS5 string: no query syntax
        qs = qs.filter(search_row__document__match=phrase)
    return qs.filter(search_condition(term))


def licences_visible_to(user: User) -> QuerySet[Licence]:
    live = Licence.objects.filter(entity__is_deleted=False)
    return visible_to(user, live, station="entity__subdistrict__station")


def products_visible_to(user: User) -> QuerySet[Product]:
    """The product catalogue is district-wide reference data, for anyone who reads the registry."""
    return visible_to(user, Product.objects.all(), station=None)


def expiring_licences(qs: QuerySet[Licence], window: str, today: dt.date) -> QuerySet[Licence]:
    return qs.filter(expiry_condition(window, today))


def expiry_condition(window: str, today: dt.date, prefix: str = "") -> Q:
    """A licence counted as expiring in ``window`` (the filing kinds have no expiry);
    ``prefix`` names the licence relation when the condition is on another model."""
    p = prefix
    condition = Q(**{f"{p}status": LicenceStatus.VALID, f"{p}valid_until__isnull": False}) & ~Q(
        **{f"{p}kind__in": LicenceKind.filings()}
    )
    if window == ExpiryWindow.EXPIRED:
        return condition & Q(**{f"{p}valid_until__lt": today})
    until = today + dt.timedelta(days=int(window))
    return condition & Q(**{f"{p}valid_until__gte": today, f"{p}valid_until__lte": until})


def with_expiring_licence(qs: QuerySet[Entity], window: str) -> QuerySet[Entity]:
    """Entities with a licence expiring in ``window``."""
    matching = expiring_licences(Licence.objects.all(), window, timezone.localdate())
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


def entity_profile(user: User, pk: int) -> Entity:
    """The entity for its profile page: in the user's scope, or outside it when an app above
    grants this user this entity (registry.extensions); a 404 (and an audit row) otherwise."""
    if user.is_authenticated and profile_granted(user, pk):
        granted = Entity.objects.filter(is_deleted=False, pk=pk)
        entity = granted.select_related("subdistrict__station").first()
        if entity is not None:
            return entity
    return visible_entity(user, pk)


def visible_entity(user: User, pk: int, *, deleted: bool = False) -> Entity:
    """The entity if the user's scope covers it; a 404 (and an audit row) otherwise.
    ``deleted``: among the deleted entities instead (only to restore one)."""
    visible = deleted_entities_visible_to(user) if deleted else entities_visible_to(user)
    return visible_or_404(
        visible.select_related("subdistrict__station"),
        pk,
        user=user,
        action="registry.access.denied",
        object_type="registry.entity",
    )
