"""Export of the filtered, scoped complaint list to .xlsx through the tabular layer: the
reporter's name and phone are masked (张*, 138****1234), the file names its exporter and
time, and the export leaves an audit row with its filter and row count. ID numbers and
addresses are not exported at all: a list has no use for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common.masking import mask_name, mask_phone
from yaoan.complaints.models import Complaint
from yaoan.core.models import User
from yaoan.core.tabular.export import ExportColumn, choice_labels, export_table, queryset_rows

EXPORT_ACTION = "complaints.complaint.exported"


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def complaint_columns() -> list[ExportColumn[Complaint]]:
    labels = {
        n: choice_labels(Complaint, n) for n in ("kind", "channel", "product_class", "status")
    }

    def labelled(name: str, header: str) -> ExportColumn[Complaint]:
        return ExportColumn(header, labels[name])

    return [
        ExportColumn(_("受理编号"), lambda c: c.number, identifier=True),
        labelled("kind", _("类别")),
        labelled("channel", _("来源渠道")),
        labelled("product_class", _("产品类别")),
        ExportColumn(_("收到时间"), lambda c: _local(c.received_at)),
        ExportColumn(_("被投诉举报单位"), lambda c: c.entity.name if c.entity else c.subject_name),
        ExportColumn(
            _("统一社会信用代码"), lambda c: c.entity.uscc if c.entity else "", identifier=True
        ),
        ExportColumn(_("匿名"), lambda c: _("是") if c.anonymous else _("否")),
        ExportColumn(
            _("反映人"),
            lambda c: c.reporter_name,
            personal="reporter_name",
            mask=mask_name,
        ),
        ExportColumn(
            _("联系电话"),
            lambda c: c.reporter_phone,
            identifier=True,
            personal="reporter_phone",
            mask=mask_phone,
        ),
        ExportColumn(_("反映内容"), lambda c: c.content),
        ExportColumn(
            _("承办单位"),
            lambda c: (c.org_unit.short_name or c.org_unit.name) if c.org_unit else "",
        ),
        labelled("status", _("状态")),
        ExportColumn(_("最近期限"), lambda c: str(getattr(c, "next_due_on", "") or "")),
    ]


def export_complaints(
    *, actor: User, complaints: QuerySet[Complaint], filters: Mapping[str, Any]
) -> IO[bytes]:
    """The complaints given (already filtered and scoped by the caller), written and audited."""
    return export_table(
        actor=actor,
        action=EXPORT_ACTION,
        object_type="complaints.complaint",
        rows=queryset_rows(complaints),
        columns=complaint_columns,
        title=gettext_lazy("投诉举报导出"),
        sheet_name=gettext_lazy("投诉举报"),
        filters=filters,
    )
