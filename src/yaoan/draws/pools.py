"""Freezing a draw's pools: the entities the chief's filters select, the inspectors of
the chosen units under the draw's pseudonymous codes, and the pairs the avoidance rules
keep apart. Reads only: ``services.commit_draw`` writes what these return."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.analytics.draws import PoolEntity, PoolInspector, derive_key, pseudonymous_codes
from yaoan.common.errors import INVALID, invalid
from yaoan.core.models import User
from yaoan.draws.enums import AvoidanceRule
from yaoan.draws.extensions import last_inspectors_provider
from yaoan.draws.specs import DrawSpec
from yaoan.registry.filtersets import EntityFilterSet
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to
from yaoan.staff.models import InspectorConflict
from yaoan.staff.queries import drawable_profiles

IGNORED_FILTERS = frozenset({"sort", "page"})
CODE_KEY_PURPOSE = "yaoan.draws.inspector-codes"


def pool_queryset(actor: User, filters: Mapping[str, str]) -> QuerySet[Entity]:
    """The entity pool: the registry's own FilterSet over what the actor may see."""
    params = {k: v for k, v in filters.items() if k not in IGNORED_FILTERS and v not in ("", None)}
    filterset = EntityFilterSet(params, queryset=entities_visible_to(actor))
    if not filterset.is_valid():
        fields = filterset.form.fields
        messages = "；".join(
            f"{fields[name].label if name in fields else name}：{' '.join(errs)}"
            for name, errs in filterset.errors.items()
        )
        raise invalid(INVALID, _("筛选条件无效：%(errors)s") % {"errors": messages})
    qs: QuerySet[Entity] = filterset.qs
    return qs


def _frozen_entities(actor: User, filters: Mapping[str, str]) -> tuple[list[PoolEntity], set[int]]:
    rows = pool_queryset(actor, filters).values_list(
        "id", "uscc", "name", "subdistrict__code", "subdistrict__station_id"
    )
    entities, stations = [], set()
    for pk, uscc, name, grid, station in rows.order_by():
        entities.append(PoolEntity(key=uscc, id=pk, name=name, grid=grid))
        stations.add(station)
    return entities, stations


@dataclass(frozen=True)
class _Candidate:
    """An inspector of the pool as the database knows them, before they get a code."""

    user_id: int
    badge_number: str
    unit: str
    avoid_grids: tuple[str, ...]


def _candidates(spec: DrawSpec) -> list[_Candidate]:
    """The inspectors of the chosen units with a profile, leaving out anyone whose
    执法证 has lapsed today (the staff app's rule: ``staff.queries.drawable_profiles``)."""
    units = {u.pk for u in spec.inspector_units}
    if spec.partner_unit is not None:
        units.add(spec.partner_unit.pk)
    candidates = []
    for profile in drawable_profiles(units, timezone.localdate()):
        grids = {s.code for s in profile.posted_subdistricts.all()}
        if profile.home_subdistrict is not None:
            grids.add(profile.home_subdistrict.code)
        unit = profile.user.org_unit
        candidates.append(
            _Candidate(
                profile.user_id,
                profile.badge_number,
                unit.code if unit else "",
                tuple(sorted(grids)),
            )
        )
    return candidates


def _code_key() -> bytes:
    return derive_key(settings.SECRET_KEY.encode("utf-8"), CODE_KEY_PURPOSE)


def _pseudonymise(
    draw_id: int, candidates: list[_Candidate]
) -> tuple[list[PoolInspector], dict[str, int], dict[str, str]]:
    """The pool under this draw's codes, code → user id (kept, never published) and
    code → badge number (for the chief's messages only)."""
    salt = f"draw:{draw_id}:{secrets.token_hex(16)}"
    codes = pseudonymous_codes(_code_key(), salt, [c.user_id for c in candidates])
    inspectors = [PoolInspector(codes[c.user_id], c.unit, c.avoid_grids) for c in candidates]
    refs = {codes[c.user_id]: c.user_id for c in candidates}
    badges = {codes[c.user_id]: c.badge_number for c in candidates}
    return inspectors, refs, badges


def _pairs(
    spec: DrawSpec, refs: Mapping[str, int], entities: list[PoolEntity]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Conflicts (always: avoiding them is mandatory) and, when that rule is on, last
    inspectors, as (code, entity key) pairs."""
    codes = {uid: code for code, uid in refs.items()}
    keys = {e.id: e.key for e in entities}
    rows = InspectorConflict.objects.filter(
        is_removed=False, inspector_id__in=list(codes)
    ).values_list("inspector_id", "entity_id")
    conflicts = [(codes[u], keys[e]) for u, e in rows if e in keys]
    last: list[tuple[str, str]] = []
    provider = last_inspectors_provider()
    if AvoidanceRule.LAST_INSPECTION in spec.rules and provider is not None:
        for entity_id, user_ids in provider(list(keys)).items():
            last.extend((codes[u], keys[entity_id]) for u in user_ids if u in codes)
    return conflicts, last
