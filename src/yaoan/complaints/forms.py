"""Forms of the complaints pages: staff entry (phone, letter, e-mail, visit) and one form
per workflow step. The rules (lengths the model keeps, who may, what state) stay in the
services; these convert input and say what is missing on the field, in Chinese."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.common.forms import named_errors
from yaoan.common.paging import MAX_ID
from yaoan.complaints.enums import Channel, ComplaintKind
from yaoan.complaints.receiving import IMAGE_SUFFIXES
from yaoan.complaints.services import SubmittedFile
from yaoan.core.attachments import read_upload
from yaoan.core.enums import AttachmentPolicy
from yaoan.core.models import OrgUnit
from yaoan.registry.enums import ProductClass

# the channels staff type in; the portal and the imports have their own doors
STAFF_CHANNELS = (Channel.PHONE, Channel.LETTER, Channel.EMAIL, Channel.VISIT)
TEXT_MAX = 5000


def _text(label: Any, *, required: bool = True, rows: int = 4, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("请填写%(label)s。") % {"label": label}},
        **kwargs,
    )


class NamedChoicesForm(forms.Form):
    """A choice outside the list names its field ("调解结果无效…"), not Django's stock
    "选择一个有效的选项" (a field with its own message keeps it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
                continue
            if "请从列表中选择" not in str(field.error_messages.get("invalid_choice", "")):
                message = _("%(label)s无效，请从列表中选择。") % {"label": field.label}
                field.error_messages["invalid_choice"] = message


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input, read (refused by size before reading) into the
    services' SubmittedFile; their type is checked when the service stores them."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[SubmittedFile]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        files = []
        for upload in uploads:
            upload = super().clean(upload, initial)
            suffix = PurePath(upload.name or "").suffix.lower()
            policy = (
                AttachmentPolicy.IMAGE if suffix in IMAGE_SUFFIXES else AttachmentPolicy.DOCUMENT
            )
            files.append(SubmittedFile(name=upload.name, content=read_upload(upload, policy)))
        return files


@named_errors
class ComplaintEntryForm(NamedChoicesForm):
    """What a staff member types while on the phone or with a letter in hand: one column,
    the essentials first; the business is matched from suggestions or kept unmatched."""

    channel = forms.ChoiceField(
        label=_("来源渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS]
    )
    kind = forms.ChoiceField(
        label=_("类别"), choices=ComplaintKind.choices, widget=forms.RadioSelect
    )
    product_class = forms.ChoiceField(label=_("产品类别"), choices=ProductClass.choices)
    received_at = forms.DateTimeField(
        label=_("收到时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("收到时间格式不正确，如 2026-03-01 09:30。")},
    )
    content = _text(_("反映内容"), rows=6)
    subject_name = forms.CharField(
        label=_("被投诉举报单位"),
        max_length=200,
        required=False,
        help_text=_("按反映人所说填写；下方可从监管对象中选择匹配的单位"),
    )
    subject_address = forms.CharField(label=_("单位地址"), max_length=300, required=False)
    entity = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    anonymous = forms.BooleanField(label=_("匿名"), required=False)
    reporter_name = forms.CharField(label=_("反映人姓名"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reporter_id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False)
    reporter_address = forms.CharField(label=_("联系地址"), max_length=200, required=False)
    attachments = AttachmentsField(label=_("附件"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("anonymous") and data.get("kind") == ComplaintKind.COMPLAINT:
            self.add_error("anonymous", _("投诉须留下投诉人姓名和联系电话，只有举报可以匿名。"))
        return data


class EntityMatchForm(NamedChoicesForm):
    entity = forms.IntegerField(
        label=_("监管对象"), required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )


@named_errors
class ReasonForm(NamedChoicesForm):
    reason = _text(_("理由"), rows=3)


@named_errors
class NotAcceptForm(NamedChoicesForm):
    legal_reason = forms.ChoiceField(label=_("不予受理依据"), choices=())
    reason = _text(_("说明"), rows=3)

    def __init__(self, *args: Any, reasons: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_reason"].choices = [("", _("请选择")), *reasons]  # type: ignore[attr-defined]
        self.fields["legal_reason"].error_messages["required"] = _("请选择不予受理的法定理由。")


@named_errors
class TransferForm(NamedChoicesForm):
    """To another unit; responsibility stays here until the receiver confirms (首办负责制)."""

    transfer_to = forms.ModelChoiceField(
        label=_("转办单位"),
        queryset=OrgUnit.objects.none(),
        error_messages={
            "required": _("请选择转办单位。"),
            "invalid_choice": _("转办单位不存在，请从列表中选择。"),
        },
    )
    reason = _text(_("转办说明"), rows=3)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["transfer_to"].queryset = units  # type: ignore[attr-defined]


@named_errors
class VerifyForm(NamedChoicesForm):
    violation_found = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("1", _("发现违法线索")), ("0", _("未发现违法行为"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择核查结论。")},
    )
    findings = _text(_("核查情况"), rows=6)
    attachments = AttachmentsField(label=_("核查材料"), required=False)


@named_errors
class MediateForm(NamedChoicesForm):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=())
    note = _text(_("调解情况"), rows=5)

    def __init__(self, *args: Any, outcomes: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", _("请选择")), *outcomes]  # type: ignore[attr-defined]
        self.fields["outcome"].error_messages["required"] = _("请选择调解结果。")


@named_errors
class ReplyForm(NamedChoicesForm):
    text = _text(_("答复内容"), rows=6)
    channel = forms.ChoiceField(
        label=_("答复方式"),
        choices=[
            (c.value, c.label)
            for c in (Channel.PHONE, Channel.LETTER, Channel.EMAIL, Channel.VISIT, Channel.PORTAL)
        ],
    )
    replied_at = forms.DateTimeField(
        label=_("答复时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("留空为当前时间"),
        error_messages={"invalid": _("答复时间格式不正确，如 2026-03-01 09:30。")},
    )


@named_errors
class EvaluationForm(NamedChoicesForm):
    evaluation = forms.ChoiceField(label=_("反映人评价"), choices=())
    comment = _text(_("评价意见"), required=False, rows=3)

    def __init__(self, *args: Any, choices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluation"].choices = [("", _("请选择")), *choices]  # type: ignore[attr-defined]
        self.fields["evaluation"].error_messages["required"] = _("请选择反映人的评价。")


@named_errors
class ClueForm(NamedChoicesForm):
    summary = _text(_("线索摘要"), rows=4, help_text=_("移交线索库的违法线索概要，不含举报人信息"))
