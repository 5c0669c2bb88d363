"""The plan as an .xlsx workbook: the items (one row per entity) and the station × quarter
load table. Write-only workbook, text cells (common.xlsx)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.plans.models import AnnualPlan, PlanItem
from yaoan.plans.queries import LoadRow
from yaoan.registry.enums import CreditClass, EntityType, RiskGrade

QUARTER_LABELS = ("一季度", "二季度", "三季度", "四季度")


def quarter_text(item: PlanItem) -> str:
    return "、".join(
        _(label) + (f"×{n}" if n > 1 else "")
        for label, n in zip(QUARTER_LABELS, item.quarters, strict=True)
        if n
    )


def reasons_text(item: PlanItem) -> str:
    return "；".join(str(r.get("text", "")) for r in item.reasons)


def _status_line(plan: AnnualPlan) -> str:
    if plan.document_number:
        return f"{plan.document_number}（{plan.get_status_display()}）"
    return _("第%(v)s版（%(s)s）") % {"v": plan.version, "s": plan.get_status_display()}


def plan_workbook(
    plan: AnnualPlan, title: str, items: QuerySet[PlanItem], loads: Iterable[LoadRow], creator: str
) -> IO[bytes]:
    workbook = xlsx.new_workbook(creator=creator, title=title, description=_status_line(plan))
    sheet = workbook.create_sheet(_("重点检查清单"))
    xlsx.text_row(sheet, [title], bold=True)
    xlsx.text_row(sheet, [_status_line(plan)])
    header = [
        _("序号"),
        _("负责所"),
        _("镇街"),
        _("监管对象"),
        _("统一社会信用代码"),
        _("类型"),
        _("风险等级"),
        _("信用分类"),
        _("检查次数"),
        *[_(label) for label in QUARTER_LABELS],
        _("联合检查"),
        _("列入理由"),
        _("修改说明"),
    ]
    xlsx.text_row(sheet, header, bold=True)
    types = {k: str(v) for k, v in EntityType.choices}
    risks = {k: str(v) for k, v in RiskGrade.choices}
    credits = {k: str(v) for k, v in CreditClass.choices}
    rows = items.select_related("entity__subdistrict", "station").order_by(
        "station_id", "entity__name", "entity_id"
    )
    for number, item in enumerate(rows.iterator(chunk_size=2000), start=1):
        entity = item.entity
        sheet.append(
            [
                number,
                item.station.short_name or item.station.name,
                entity.subdistrict.name,
                xlsx.plain_value(sheet, entity.name),
                xlsx.text_cell(sheet, entity.uscc),
                types.get(entity.entity_type, entity.entity_type),
                risks.get(entity.risk_grade, entity.risk_grade),
                credits.get(entity.credit_class, entity.credit_class),
                item.required_count,
                *item.quarters,
                _("是") if item.joint else "",
                xlsx.plain_value(sheet, reasons_text(item)),
                xlsx.plain_value(sheet, item.edited_note),
            ]
        )
    load_sheet = workbook.create_sheet(_("各所分季度工作量"))
    xlsx.text_row(
        load_sheet,
        [_("负责所"), _("对象数"), *[_(q) for q in QUARTER_LABELS], _("合计")],
        bold=True,
    )
    for row in loads:
        load_sheet.append([row.station, row.items, *row.quarters, row.total])
    return xlsx.save_to_temp(workbook)
