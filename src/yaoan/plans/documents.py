"""The plan as a Word document in the 公文 layout (GB/T 9704), built with the core layout
builder: the title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号, tables in 仿宋 五号.

The plan is a working document regenerated from its items on every export (it changes
until approved), so it is built directly rather than stored as a GeneratedDocument.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core.documents.layout import CENTER, OfficialDocument
from yaoan.plans.models import AnnualPlan, PlanItem
from yaoan.plans.queries import LoadRow
from yaoan.registry.enums import CreditClass, EntityType, RiskGrade

QUARTERS = ("一季度", "二季度", "三季度", "四季度")


def plan_document(
    plan: AnnualPlan,
    title: str,
    issuer: str,
    items: QuerySet[PlanItem],
    loads: Sequence[LoadRow],
    totals: LoadRow,
) -> bytes:
    document = OfficialDocument()
    if plan.document_number:
        document.number_line(plan.document_number)
    document.title(title)
    if not plan.document_number:
        document.paragraph(
            _("（第%(v)s版 · %(s)s，未经批准不得作为工作依据）")
            % {"v": plan.version, "s": plan.get_status_display()},
            align=CENTER,
        )
    joint = items.filter(joint=True).count()
    document.paragraph(
        _(
            "按照风险分级管理和信用分类监管相结合原则，依据风险分类，以问题为导向，"
            "制定本年度重点检查清单。列入清单监管对象%(n)s家，计划检查%(v)s次，"
            "其中与区卫生健康委联合检查%(j)s家。各所按季度安排检查任务。"
        )
        % {"n": totals.items, "v": totals.total, "j": joint},
        indent=True,
    )
    document.heading(_("一、各所分季度检查任务"))
    document.table(
        [_("负责所"), _("对象数"), *[_(q) for q in QUARTERS], _("合计")],
        [
            [r.station, str(r.items), *[str(q) for q in r.quarters], str(r.total)]
            for r in [*loads, totals]
        ],
    )
    document.heading(_("二、重点检查对象"))
    types = {k: str(v) for k, v in EntityType.choices}
    risks = {k: str(v) for k, v in RiskGrade.choices}
    credits = {k: str(v) for k, v in CreditClass.choices}
    rows = []
    ordered = items.select_related("entity", "station").order_by(
        "station_id", "entity__name", "entity_id"
    )
    for number, item in enumerate(ordered.iterator(chunk_size=2000), start=1):
        quarters = "、".join(
            q + (f"×{n}" if n > 1 else "")
            for q, n in zip(QUARTERS, item.quarters, strict=True)
            if n
        )
        rows.append(
            [
                str(number),
                item.station.short_name or item.station.name,
                item.entity.name + (_("（联合检查）") if item.joint else ""),
                types.get(item.entity.entity_type, ""),
                risks.get(item.entity.risk_grade, "")
                + "/"
                + credits.get(item.entity.credit_class, ""),
                str(item.required_count),
                quarters,
                "；".join(str(r.get("text", "")) for r in item.reasons),
            ]
        )
    document.table(
        [
            _("序号"),
            _("负责所"),
            _("监管对象"),
            _("类型"),
            _("风险/信用"),
            _("次数"),
            _("季度"),
            _("列入理由"),
        ],
        rows,
    )
    signed = (
        timezone.localtime(plan.approved_at).date() if plan.approved_at else timezone.localdate()
    )
    document.signature(
        issuer, _("%(y)s年%(m)s月%(d)s日") % {"y": signed.year, "m": signed.month, "d": signed.day}
    )
    return document.to_bytes()
