"""The district's transfer register (移送案件报告制度) as .xlsx through the tabular layer:
exactly the rows the register page lists, the exporter and the time in the file, and an
audit row with the filter and the count. The party of a case that is a person is named
masked (张*): the register has no use for more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.cases.models import CriminalTransfer
from yaoan.common.masking import mask_name
from yaoan.core.models import User
from yaoan.core.tabular.export import ExportColumn, choice_labels, export_table, queryset_rows

EXPORT_ACTION = "cases.criminaltransfer.exported"


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def _party(t: CriminalTransfer) -> str:
    case = t.case
    return mask_name(case.party_name) if case.party_is_person else case.party_name


def register_columns() -> list[ExportColumn[CriminalTransfer]]:
    status = choice_labels(CriminalTransfer, "status")
    part = choice_labels(CriminalTransfer, "administrative_part")
    outcome = choice_labels(CriminalTransfer, "outcome")
    return [
        ExportColumn(_("移送书文号"), lambda t: t.number, identifier=True),
        ExportColumn(_("案件编号"), lambda t: t.case.number, identifier=True),
        ExportColumn(_("案由"), lambda t: t.case.title),
        ExportColumn(_("当事人"), _party),
        ExportColumn(_("承办单位"), lambda t: t.case.org_unit.name),
        ExportColumn(_("涉嫌罪名"), lambda t: t.suspected_offence),
        ExportColumn(_("提出日期"), lambda t: _day(t.proposed_at.date())),
        ExportColumn(_("移送日期"), lambda t: _day(t.transferred_on)),
        ExportColumn(_("接受移送的公安机关"), lambda t: t.police_unit),
        ExportColumn(_("公安机关决定日期"), lambda t: _day(t.police_decided_on)),
        ExportColumn(_("公安机关通知书文号"), lambda t: t.police_reference, identifier=True),
        ExportColumn(_("涉案物品移交日期"), lambda t: _day(t.handed_over_on)),
        ExportColumn(_("行政案件处理"), part),
        ExportColumn(_("状态"), status),
        ExportColumn(_("办结情况"), outcome),
        ExportColumn(_("最近期限"), lambda t: _day(getattr(t, "due_on_next", None))),
    ]


def export_register(
    *, actor: User, transfers: QuerySet[CriminalTransfer], filters: Mapping[str, Any]
) -> IO[bytes]:
    """The transfers given (filtered and scoped by the caller), written and audited."""
    return export_table(
        actor=actor,
        action=EXPORT_ACTION,
        object_type="cases.criminaltransfer",
        rows=queryset_rows(transfers),
        columns=register_columns,
        title=gettext_lazy("涉嫌犯罪案件移送登记表"),
        sheet_name=gettext_lazy("移送登记"),
        filters=filters,
    )
