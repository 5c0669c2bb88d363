"""The grid's subdistricts and the stations as (pk, name) options for drop-downs, from the
per-process reference cache (common.refdata)."""

from __future__ import annotations

from yaoan.common.refdata import ReferenceCache
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, Subdistrict


def _subdistricts() -> list[tuple[int, str]]:  # in Subdistrict.Meta.ordering
    return list(Subdistrict.objects.order_by("code").values_list("pk", "name"))


def _stations() -> list[tuple[int, str]]:  # in OrgUnit.Meta.ordering
    stations = OrgUnit.objects.filter(kind=OrgUnitKind.STATION)
    return list(stations.order_by("sort_order", "code").values_list("pk", "name"))


SUBDISTRICT_OPTIONS = ReferenceCache(_subdistricts, depends_on=[Subdistrict])
STATION_OPTIONS = ReferenceCache(_stations, depends_on=[OrgUnit])
