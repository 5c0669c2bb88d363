"""Excel import of 投诉举报 transferred from the 12315 platform or from the city, declared
for the tabular layer: each row goes through complaints.services.receive_complaint (the
same checks, routing, clocks and audit rows as staff entry). Phones and ID numbers are
read as text only (a number cell has lost digits already); the business is matched to
the registry only by its exact credit code — a name alone is kept as given, unmatched,
for a person to match on the complaint's page, never guessed. The layer gives the
template, the upload page, both modes, the job and the per-row error report."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common import xlsx
from yaoan.complaints import services
from yaoan.complaints.enums import Channel, ComplaintKind
from yaoan.complaints.rules import can_create_complaint
from yaoan.core.models import User
from yaoan.core.tabular.columns import CellProblem, Column, ColumnType, choice_pairs
from yaoan.core.tabular.spec import ImportSpec, ImportUrls, RowRejected
from yaoan.registry.enums import ProductClass
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to

IMPORT_JOB_KIND = "complaints.complaint_import"
MOBILE = re.compile(r"^1\d{10}$")
TRANSFER_CHANNELS = (Channel.TRANSFER_12315, Channel.TRANSFER_CITY)


@dataclass(frozen=True)
class ComplaintImportContext:
    actor: User


def build_context(actor: User) -> ComplaintImportContext:
    return ComplaintImportContext(actor=actor)


def parse_phone(value: Any, context: Any) -> str:
    """Text as typed; from a number cell only an 11-digit mobile number, which survives it
    exactly (a landline loses its leading 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return xlsx.normalise_code(xlsx.cell_text(value))
    if float(value).is_integer() and MOBILE.match(str(int(value))):
        return str(int(value))
    raise CellProblem(_("联系电话请以文本格式填写（数字格式会丢失开头的 0 或被改写）"))


COLUMNS: tuple[Column, ...] = (
    Column(
        "channel",
        gettext_lazy("转办来源"),
        ColumnType.CHOICE,
        required=True,
        choices=tuple((c.value, c.label) for c in TRANSFER_CHANNELS),
        aliases=("来源", "来源渠道"),
    ),
    Column(
        "external_number",
        gettext_lazy("原工单编号"),
        ColumnType.IDENTIFIER,
        max_length=64,
        unique=True,
        aliases=("工单编号", "转办编号"),
    ),
    Column(
        "kind",
        gettext_lazy("类别"),
        ColumnType.CHOICE,
        required=True,
        choices=choice_pairs(ComplaintKind),
        aliases=("投诉举报类别",),
    ),
    Column(
        "product_class",
        gettext_lazy("产品类别"),
        ColumnType.CHOICE,
        required=True,
        choices=choice_pairs(ProductClass),
    ),
    Column(
        "received_on",
        gettext_lazy("收到日期"),
        ColumnType.DATE,
        required=True,
        aliases=("转办日期", "登记日期"),
    ),
    Column(
        "subject_name",
        gettext_lazy("被投诉举报单位"),
        max_length=200,
        aliases=("被投诉单位", "被举报单位", "单位名称"),
    ),
    Column(
        "uscc",
        gettext_lazy("统一社会信用代码"),
        ColumnType.IDENTIFIER,
        max_length=18,
        aliases=("信用代码",),
        help_text=gettext_lazy("填写后按代码精确匹配监管对象；不填则保持未匹配"),
    ),
    Column("subject_address", gettext_lazy("单位地址"), max_length=300),
    Column(
        "content",
        gettext_lazy("反映内容"),
        required=True,
        max_length=5000,
        aliases=("诉求内容", "举报内容"),
    ),
    Column("anonymous", gettext_lazy("匿名"), ColumnType.BOOL, default=False),
    Column(
        "reporter_name",
        gettext_lazy("反映人姓名"),
        max_length=50,
        aliases=("投诉人", "举报人", "姓名"),
    ),
    Column(
        "reporter_phone",
        gettext_lazy("联系电话"),
        ColumnType.IDENTIFIER,
        parse=parse_phone,
        aliases=("电话", "手机号"),
    ),
    Column(
        "reporter_id_number",
        gettext_lazy("身份证号"),
        ColumnType.IDENTIFIER,
        max_length=30,
        aliases=("证件号码",),
    ),
    Column("reporter_address", gettext_lazy("联系地址"), max_length=200),
)


def _entity(context: ComplaintImportContext, uscc: str) -> Entity | None:
    if not uscc:
        return None
    entity = entities_visible_to(context.actor).filter(uscc=uscc.upper()).first()
    if entity is None:
        raise RowRejected(
            [
                (
                    "uscc",
                    _("统一社会信用代码“%(c)s”不在您管辖范围内的监管对象中；不确定时请留空")
                    % {"c": uscc},
                )
            ]
        )
    return entity


def _received_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def complaint_input(context: ComplaintImportContext, data: dict[str, Any]) -> Any:
    """The row as the service's input; the transfer's own number is kept, so the item can
    be traced back to the platform that sent it."""
    anonymous = bool(data.get("anonymous"))
    return services.ComplaintInput(
        kind=data["kind"],
        channel=data["channel"],
        product_class=data["product_class"],
        content=data["content"],
        external_number=data.get("external_number") or "",
        subject_name=data.get("subject_name") or "",
        subject_address=data.get("subject_address") or "",
        entity=_entity(context, data.get("uscc") or ""),
        anonymous=anonymous,
        reporter_name="" if anonymous else data.get("reporter_name") or "",
        reporter_phone="" if anonymous else data.get("reporter_phone") or "",
        reporter_id_number="" if anonymous else data.get("reporter_id_number") or "",
        reporter_address="" if anonymous else data.get("reporter_address") or "",
        received_at=_received_at(data["received_on"]),
    )


def write_complaint(context: ComplaintImportContext, data: dict[str, Any]) -> None:
    services.receive_complaint(actor=context.actor, data=complaint_input(context, data))


def example_values(context: ComplaintImportContext) -> Mapping[str, str]:
    return {
        "channel": str(Channel.TRANSFER_12315.label),
        "external_number": "12315-2026-000123",
        "kind": str(ComplaintKind.REPORT.label),
        "product_class": str(ProductClass.DRUG.label),
        "received_on": "2026-03-02",
        "subject_name": _("示例大药房（示例，勿填入数据表）"),
        "subject_address": _("某某路1号"),
        "content": _("反映该药店销售过期药品。"),
        "anonymous": _("否"),
        "reporter_name": _("张三"),
        "reporter_phone": "13800001234",
    }


def help_lines() -> Iterator[str]:
    yield _("12315 平台或上级转办的投诉举报，每行一件；匿名件的反映人信息不会保存。")
    yield _(
        "联系电话、身份证号、信用代码请以文本格式填写。被投诉举报单位仅按信用代码精确匹配，名称不作自动匹配。"
    )


COMPLAINT_IMPORT = ImportSpec(
    kind=IMPORT_JOB_KIND,
    path="yaoan.complaints.imports.COMPLAINT_IMPORT",
    title=gettext_lazy("转办投诉举报"),
    sheet_name=gettext_lazy("投诉举报"),
    columns=COLUMNS,
    context=build_context,
    write_row=write_complaint,
    may_import=can_create_complaint,
    denied_action="complaints.access.denied",
    urls=ImportUrls(
        upload="complaints:complaint_import",
        template="complaints:complaint_template",
        job="complaints:complaint_import_job",
        errors="complaints:complaint_import_errors",
        done="complaints:complaint_list",
    ),
    help_lines=help_lines,
    example=example_values,
)
