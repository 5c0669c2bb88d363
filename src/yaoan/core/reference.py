"""The grid's subdistricts and the stations as (pk, name) options for drop-downs, from the
per-process reference cache (common.refdata)."""

from __future__ import annotations

from yaoan.common.refdata import ReferenceCache
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, Subdistrict


# in the models' own order (Meta.ordering), as the drop-downs listed them before
def _subdistricts() -> list[tuple[int, str]]:
    return list(Subdistrict.objects.values_list("pk", "name"))


def _stations() -> list[tuple[int, str]]:
    return list(OrgUnit.objects.filter(kind=OrgUnitKind.STATION).values_list("pk", "name"))


SUBDISTRICT_OPTIONS = ReferenceCache(_subdistricts, depends_on=[Subdistrict])
STATION_OPTIONS = ReferenceCache(_stations, depends_on=[OrgUnit])
