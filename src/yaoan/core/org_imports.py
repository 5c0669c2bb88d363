"""Excel import of the 镇街 grid, declared for the tabular layer (core.tabular): a district
loads its towns and streets, their population and the station whose grid holds each, in
one file. Each row goes through ``org_services.create_subdistrict`` (the same checks and
audit rows as the form)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common import xlsx
from yaoan.core import org_services
from yaoan.core.enums import AreaType, OrgUnitKind, SubdistrictKind
from yaoan.core.models import OrgUnit, Subdistrict, User
from yaoan.core.rules import can_manage_org_structure
from yaoan.core.tabular.columns import CellProblem, Column, ColumnType, choice_pairs
from yaoan.core.tabular.spec import ImportSpec, ImportUrls

GRID_IMPORT_KIND = "core.subdistrict_import"


@dataclass(frozen=True)
class GridImportContext:
    actor: User
    stations: dict[str, list[OrgUnit]]  # by name, short name and code


def build_context(actor: User) -> GridImportContext:
    by_key: dict[str, list[OrgUnit]] = {}
    for station in OrgUnit.objects.filter(kind=OrgUnitKind.STATION, is_active=True):
        for key in {station.name, station.short_name, station.code}:
            if key:
                by_key.setdefault(key, []).append(station)
    return GridImportContext(actor=actor, stations=by_key)


def parse_code(value: Any, context: GridImportContext) -> str:
    """Text as typed; a whole-number cell of 9 or 12 digits is exact in Excel (below 15
    digits), so it is taken too: people paste these codes from the statistics tables."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and len(str(int(value))) in (9, 12):
            return str(int(value))
        raise CellProblem(_("区划代码应为 9 位或 12 位数字"))
    return xlsx.normalise_code(xlsx.cell_text(value))


def parse_station(value: Any, context: GridImportContext) -> OrgUnit:
    text = xlsx.cell_text(value)
    candidates = context.stations.get(text, [])
    if not candidates:
        raise CellProblem(_("未知的市场监管所“%(value)s”，请从下拉列表中选择") % {"value": text})
    if len(candidates) > 1:
        raise CellProblem(_("“%(value)s”对应多个市场监管所，请填写编码") % {"value": text})
    return candidates[0]


def station_options(context: GridImportContext) -> list[str]:
    names = OrgUnit.objects.filter(kind=OrgUnitKind.STATION, is_active=True)
    return list(names.values_list("name", flat=True))


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        gettext_lazy("代码"),
        ColumnType.IDENTIFIER,
        required=True,
        unique=True,
        aliases=("区划代码", "统计用区划代码"),
        max_length=12,
        parse=parse_code,
        help_text=gettext_lazy("9 位或 12 位（以 000 结尾）区划代码"),
    ),
    Column(
        "name",
        gettext_lazy("名称"),
        required=True,
        unique=True,
        aliases=("镇街", "镇街名称"),
        max_length=50,
    ),
    Column(
        "kind",
        gettext_lazy("类型"),
        ColumnType.CHOICE,
        required=True,
        choices=choice_pairs(SubdistrictKind),
    ),
    Column(
        "population",
        gettext_lazy("人口"),
        ColumnType.INT,
        aliases=("常住人口",),
        default=0,
    ),
    Column(
        "station",
        gettext_lazy("所属监管所"),
        required=True,
        aliases=("所属市场监管所", "监管所"),
        parse=parse_station,
        options=station_options,
    ),
    Column(
        "area_type",
        gettext_lazy("区域类型"),
        ColumnType.CHOICE,
        choices=choice_pairs(AreaType),
        default=AreaType.URBAN,
    ),
)


def write_subdistrict(context: GridImportContext, data: dict[str, Any]) -> Subdistrict:
    return org_services.create_subdistrict(
        actor=context.actor,
        code=data["code"],
        name=data["name"],
        kind=data["kind"],
        station=data["station"],
        # optional columns a file leaves out are absent from the row
        population=data.get("population") or 0,
        area_type=data.get("area_type") or AreaType.URBAN,
    )


def example_values(context: GridImportContext) -> Mapping[str, str]:
    stations = station_options(context)
    return {
        "code": "500111001000",
        "name": _("某某街道"),
        "kind": str(SubdistrictKind.STREET.label),
        "population": "85000",
        "station": stations[0] if stations else _("某某市场监管所"),
        "area_type": str(AreaType.URBAN.label),
    }


def help_lines() -> Iterator[str]:
    yield _("镇街网格：每行一个镇或街道；代码为统计用区划代码（9 位，或 12 位以 000 结尾）。")
    yield _("所属监管所须先在“组织机构”中建立；已存在的代码或名称会被拒绝。")


GRID_IMPORT = ImportSpec(
    kind=GRID_IMPORT_KIND,
    path="yaoan.core.org_imports.GRID_IMPORT",
    title=gettext_lazy("镇街网格"),
    sheet_name=gettext_lazy("镇街"),
    columns=COLUMNS,
    context=build_context,
    write_row=write_subdistrict,
    may_import=can_manage_org_structure,
    denied_action="core.access.denied",
    urls=ImportUrls(
        upload="core:subdistrict_import",
        template="core:subdistrict_template",
        job="core:subdistrict_import_job",
        errors="core:subdistrict_import_errors",
        done="core:org_tree",
    ),
    help_lines=help_lines,
    example=example_values,
)
