"""Excel import of regulated entities, declared for the tabular layer (core.tabular): the
columns of the file and the row handler, which creates each row through the registry's
service (the same checks, audit rows and rating changes as the form). The layer gives the
template, the upload page, both modes, the job and the error report (S22, S24)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common import xlsx
from yaoan.common.identifiers import uscc_check_character
from yaoan.core.models import Subdistrict, User
from yaoan.core.rules import DataScope, can_edit_registry, data_scope
from yaoan.core.scoping import visible_to
from yaoan.core.tabular.columns import CellProblem, Column, ColumnType, model_column
from yaoan.core.tabular.spec import ImportSpec, ImportUrls, RowRejected
from yaoan.registry import services
from yaoan.registry.enums import EntityStatus, EntityType
from yaoan.registry.models import Entity

IMPORT_JOB_KIND = "registry.entity_import"
IMPORT_SOURCE = "import"
MOBILE = re.compile(r"^1\d{10}$")


@dataclass(frozen=True)
class EntityImportContext:
    """What the labels of a file mean for one importing user."""

    actor: User
    subdistricts: dict[str, list[Subdistrict]]  # by name and by code
    scope: DataScope

    def in_scope(self, subdistrict: Subdistrict) -> bool:
        return self.scope.covers(subdistrict.station_id)


def build_context(actor: User) -> EntityImportContext:
    by_key: dict[str, list[Subdistrict]] = {}
    for sub in Subdistrict.objects.select_related("station").order_by("code"):
        by_key.setdefault(sub.name, []).append(sub)
        by_key.setdefault(sub.code, []).append(sub)
    return EntityImportContext(actor=actor, subdistricts=by_key, scope=data_scope(actor))


def subdistricts_for(actor: User) -> list[Subdistrict]:
    return list(visible_to(actor, Subdistrict.objects.order_by("code"), station="station"))


# --- the cells that need more than their column's type ---------------------------------


def parse_subdistrict(value: Any, context: EntityImportContext) -> Subdistrict:
    text = xlsx.cell_text(value)
    candidates = context.subdistricts.get(text) or context.subdistricts.get(
        xlsx.normalise_code(text), []
    )
    if not candidates:
        raise CellProblem(_("未知的镇街“%(value)s”，请从下拉列表中选择") % {"value": text})
    mine = [sub for sub in candidates if context.in_scope(sub)]
    if not mine:
        raise CellProblem(_("镇街“%(value)s”不在您的管辖范围内") % {"value": text})
    if len(mine) > 1:
        raise CellProblem(_("镇街名称“%(value)s”不唯一，请填写区划代码") % {"value": text})
    return mine[0]


def subdistrict_options(context: EntityImportContext) -> list[str]:
    return [sub.name for sub in subdistricts_for(context.actor)]


def parse_phone(value: Any, context: EntityImportContext) -> str:
    """Text as typed; from a number cell only an 11-digit mobile number, which survives
    it exactly (a landline loses its leading 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return xlsx.normalise_code(xlsx.cell_text(value))
    if float(value).is_integer() and MOBILE.match(str(int(value))):
        return str(int(value))
    raise CellProblem(_("联系电话请以文本格式填写（数字格式会丢失开头的 0 或被改写）"))


def _column(name: str, **overrides: Any) -> Column:
    return model_column(Entity, name, **overrides)


COLUMNS: tuple[Column, ...] = (
    _column("name", aliases=("企业名称", "单位名称")),
    _column(
        "uscc",
        type=ColumnType.IDENTIFIER,
        unique=True,
        aliases=("社会信用代码", "信用代码", "统一代码"),
    ),
    _column("entity_type"),
    _column("medical_level"),
    _column("device_class"),
    _column(
        "subdistrict",
        parse=parse_subdistrict,
        options=subdistrict_options,
        aliases=("镇街", "街道"),
        help_text=gettext_lazy("只能选择您管辖范围内的镇街"),
    ),
    _column("address", aliases=("经营地址",)),
    _column("legal_representative", aliases=("法定代表人", "负责人")),
    _column("quality_manager"),
    # the service stores the phone (as personal data); the layer only reads it as text
    _column("contact_phone", type=ColumnType.IDENTIFIER, parse=parse_phone, aliases=("电话",)),
    _column("status"),
    _column("risk_grade", help_text=gettext_lazy("仅股室负责人可填写")),
    _column("credit_class", help_text=gettext_lazy("仅股室负责人可填写")),
    _column("handles_special_drugs"),
    _column("in_volume_procurement"),
    _column("offers_medical_beauty"),
    _column("handles_cold_chain"),
)


# --- the row handler ------------------------------------------------------------------


def write_entity(context: EntityImportContext, data: dict[str, Any]) -> None:
    """One row through the registry's import service: created with its audit row, and
    its grades set with a rating change (the service refuses what the actor may not)."""
    try:
        services.import_entities(actor=context.actor, rows=[data], source=IMPORT_SOURCE)
    except services.EntityImportError as exc:
        raise RowRejected([(name, message) for _index, name, message in exc.errors]) from exc


def check_entity(context: EntityImportContext, data: dict[str, Any]) -> None:
    services.validate_new_entity(data)


def example_values(context: EntityImportContext) -> Mapping[str, str]:
    body = "91500111MA0000001"
    subdistricts = subdistricts_for(context.actor)
    return {
        "name": _("示例大药房（示例，勿填入数据表）"),
        "uscc": body + uscc_check_character(body),
        "entity_type": str(EntityType.RETAIL_PHARMACY.label),
        "subdistrict": subdistricts[0].name if subdistricts else _("某某街道"),
        "address": _("某某路1号"),
        "legal_representative": _("张三"),
        "quality_manager": _("李四"),
        "contact_phone": "13800001234",
        "status": str(EntityStatus.OPERATING.label),
        "handles_special_drugs": _("否"),
        "in_volume_procurement": _("否"),
        "offers_medical_beauty": _("否"),
        "handles_cold_chain": _("是"),
    }


def help_lines() -> Iterator[str]:
    yield _("监管对象：所在镇街只能选择您管辖范围内的镇街；经营状态留空视为“在营”。")
    yield _("四个“是/否”列填写“是”或“否”，留空视为“否”。风险等级和信用分类仅股室负责人可填写。")


ENTITY_IMPORT = ImportSpec(
    kind=IMPORT_JOB_KIND,
    path="yaoan.registry.imports.ENTITY_IMPORT",
    title=gettext_lazy("监管对象"),
    sheet_name=gettext_lazy("监管对象"),
    columns=COLUMNS,
    context=build_context,
    write_row=write_entity,
    check_row=check_entity,
    may_import=can_edit_registry,
    denied_action="registry.access.denied",
    urls=ImportUrls(
        upload="registry:entity_import",
        template="registry:entity_template",
        job="registry:entity_import_job",
        errors="registry:entity_import_errors",
        done="registry:entity_list",
    ),
    help_lines=help_lines,
    example=example_values,
)
