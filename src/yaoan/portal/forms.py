"""The public forms: a complaint or report, and a lookup by receipt number and code.

Only the content, what it is about and whom it concerns are required; a report may be
anonymous and then nothing about the reporter is asked or kept (S11). Attachments are read
here under the image or document policy their name claims; their bytes are checked against
it again when stored (core.attachments)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common.forms import named_errors
from yaoan.complaints.enums import ComplaintKind
from yaoan.complaints.services import SubmittedFile
from yaoan.core.attachments import POLICIES, read_upload
from yaoan.core.enums import AttachmentError, AttachmentPolicy
from yaoan.registry.enums import ProductClass

MAX_FILES = 5
PUBLIC_POLICIES = (AttachmentPolicy.IMAGE, AttachmentPolicy.DOCUMENT)
ACCEPT = ",".join(
    f".{ext}"
    for policy in PUBLIC_POLICIES
    for exts in POLICIES[policy].types.values()
    for ext in exts
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def policy_for(name: str) -> AttachmentPolicy | None:
    extension = PurePath(name).suffix.lower().lstrip(".")
    for policy in PUBLIC_POLICIES:
        if any(extension in exts for exts in POLICIES[policy].types.values()):
            return policy
    return None


@named_errors
class PublicComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=ComplaintKind.choices,
        initial=ComplaintKind.REPORT,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("投诉：您本人购买、使用中的纠纷；举报：发现的违法行为，可以匿名。"),
    )
    product_class = forms.ChoiceField(
        label=gettext_lazy("涉及产品"), choices=ProductClass.choices, widget=forms.RadioSelect
    )
    subject_name = forms.CharField(label=gettext_lazy("被投诉举报的单位或店名"), max_length=200)
    subject_address = forms.CharField(
        label=gettext_lazy("单位地址"), max_length=200, required=False
    )
    content = forms.CharField(
        label=gettext_lazy("具体内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("时间、地点、经过、涉及的产品名称和批号，以及您的诉求。"),
        error_messages={"required": gettext_lazy("请填写具体内容。")},
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("匿名举报（不留姓名和联系方式）"), required=False
    )
    reporter_name = forms.CharField(
        label=gettext_lazy("姓名"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("投诉必填；匿名举报不填。"),
    )
    reporter_phone = forms.CharField(
        label=gettext_lazy("手机号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("投诉必填，用于调解和答复；匿名举报不填。"),
    )
    reporter_address = forms.CharField(
        label=gettext_lazy("通讯地址"), max_length=200, required=False
    )
    attachments = MultipleFileField(
        label=gettext_lazy("图片或材料"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=gettext_lazy("最多 5 个：照片（JPEG、PNG、WebP）或 PDF、Word、Excel 文件。"),
    )
    altcha = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def clean_content(self) -> str:
        content = str(self.cleaned_data["content"]).strip()
        if not content:
            raise ValidationError(_("请填写具体内容。"), code="required")
        return content

    def clean_attachments(self) -> list[SubmittedFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                _("最多上传 %(n)d 个文件。") % {"n": MAX_FILES}, code="too_many_files"
            )
        read = []
        for upload in uploads:
            name = upload.name or ""
            policy = policy_for(name)
            if policy is None:
                raise ValidationError(
                    _("“%(n)s”不是可接受的文件：请上传照片或 PDF、Word、Excel 文件。")
                    % {"n": name},
                    code=AttachmentError.WRONG_TYPE,
                )
            read.append(SubmittedFile(name=name, content=read_upload(upload, policy)))
        return read

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("anonymous") and data.get("kind") == ComplaintKind.COMPLAINT:
            self.add_error(
                "anonymous",
                ValidationError(
                    _("投诉须留姓名和联系电话，以便调解和答复；不愿留名请选择“举报”。"),
                    code="anonymous_complaint",
                ),
            )
        if data.get("anonymous"):
            for field in ("reporter_name", "reporter_phone", "reporter_address"):
                data[field] = ""  # an anonymous report keeps nothing about its reporter
        return data


@named_errors
class LookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("受理编号"), max_length=40)
    lookup_code = forms.CharField(
        label=gettext_lazy("查询码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
