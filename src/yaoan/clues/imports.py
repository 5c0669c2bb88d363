"""The .xlsx import of online-sales monitoring pushes (core.tabular): each row becomes a
clue and a 工作提示单 through prompts.record_online_push, the same service as the form;
a bad row is reported with its row number, column and reason (per-row error report)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.clues.prompts import PushInput, record_online_push
from yaoan.clues.rules import can_record_push
from yaoan.common import xlsx
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.core.scoping import visible_to
from yaoan.core.tabular.columns import CellProblem, Column, ColumnType
from yaoan.core.tabular.reader import validation_problems
from yaoan.core.tabular.spec import ImportSpec, ImportUrls, RowRejected
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to


@dataclass(frozen=True)
class PushImportContext:
    actor: User
    stations: dict[str, OrgUnit]  # by name and short name


def build_context(actor: User) -> PushImportContext:
    units = visible_to(actor, OrgUnit.objects.filter(kind=OrgUnitKind.STATION), station="pk")
    by_name: dict[str, OrgUnit] = {}
    for unit in units:
        by_name[unit.name] = unit
        if unit.short_name:
            by_name.setdefault(unit.short_name, unit)
    return PushImportContext(actor=actor, stations=by_name)


def parse_station(value: Any, context: PushImportContext) -> OrgUnit:
    text = xlsx.cell_text(value)
    unit = context.stations.get(text)
    if unit is None:
        raise CellProblem(_("未知的承办所“%(v)s”，请从下拉列表中选择") % {"v": text})
    return unit


def station_options(context: PushImportContext) -> list[str]:
    return sorted({u.name for u in context.stations.values()})


def parse_entity(value: Any, context: PushImportContext) -> Entity:
    code = xlsx.normalise_code(xlsx.cell_text(value)).upper()
    entity = entities_visible_to(context.actor).filter(uscc=code).first()
    if entity is None:
        raise CellProblem(
            _("没有统一社会信用代码为 %(c)s 的监管对象（未登记的请留空并选择承办所）") % {"c": code}
        )
    return entity


COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        gettext_lazy("推送编号"),
        ColumnType.IDENTIFIER,
        required=True,
        max_length=60,
        unique=True,
    ),
    Column("monitored_on", gettext_lazy("监测日期"), ColumnType.DATE, required=True),
    Column("platform", gettext_lazy("交易平台"), required=True, max_length=100),
    Column("shop_name", gettext_lazy("网店名称"), required=True, max_length=200),
    Column("shop_url", gettext_lazy("网店或商品链接"), max_length=300),
    Column("product", gettext_lazy("涉及产品"), required=True, max_length=200),
    Column("suspected_issue", gettext_lazy("疑似违法违规情形"), required=True, max_length=2000),
    Column(
        "entity",
        gettext_lazy("统一社会信用代码"),
        ColumnType.IDENTIFIER,
        parse=parse_entity,
        help_text=gettext_lazy("已登记的监管对象填写，其所在网格的监管所承办"),
    ),
    Column(
        "station",
        gettext_lazy("承办所"),
        parse=parse_station,
        options=station_options,
        help_text=gettext_lazy("未填写统一社会信用代码时必填"),
    ),
)


# the service's field names that are not this file's columns
FIELD_COLUMNS = {"org_unit": "station", "subject_name": "shop_name"}


def write_push(context: PushImportContext, data: dict[str, Any]) -> None:
    try:
        _record(context, data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        raise RowRejected([(FIELD_COLUMNS.get(k, k), m) for k, m in problems]) from exc


def _record(context: PushImportContext, data: dict[str, Any]) -> None:
    record_online_push(
        actor=context.actor,
        data=PushInput(
            reference=data.get("reference") or "",
            monitored_on=data["monitored_on"],
            platform=data.get("platform") or "",
            shop_name=data.get("shop_name") or "",
            shop_url=data.get("shop_url") or "",
            product=data.get("product") or "",
            suspected_issue=data.get("suspected_issue") or "",
            entity=data.get("entity") or None,
            station=data.get("station") or None,
        ),
    )


def example_values(context: PushImportContext) -> Mapping[str, str]:
    stations = station_options(context)
    return {
        "reference": "JC-2026-0001",
        "monitored_on": timezone.localdate().isoformat(),
        "platform": _("某电商平台"),
        "shop_name": _("某某大药房旗舰店（示例，勿填入数据表）"),
        "shop_url": "https://shop.example/123",
        "product": _("阿莫西林胶囊（处方药）"),
        "suspected_issue": _("未凭处方销售处方药"),
        "station": stations[0] if stations else _("某某市场监管所"),
    }


def help_lines() -> Iterator[str]:
    yield _(
        "每行一条监测推送，登记后即生成工作提示单（网监提〔年〕号）下发承办所，并开始计算办理时限。"
    )
    yield _("推送编号不能重复；已登记的监管对象填写统一社会信用代码，未登记的须选择承办所。")


PUSH_IMPORT = ImportSpec(
    kind="clues.push_import",
    path="yaoan.clues.imports.PUSH_IMPORT",
    title=gettext_lazy("网络监测推送"),
    sheet_name=gettext_lazy("监测推送"),
    columns=COLUMNS,
    context=build_context,
    write_row=write_push,
    may_import=can_record_push,
    denied_action="clues.access.denied",
    urls=ImportUrls(
        upload="clues:push_import",
        template="clues:push_template",
        job="clues:push_import_job",
        errors="clues:push_import_errors",
        done="clues:clue_list",
    ),
    help_lines=help_lines,
    example=example_values,
)
