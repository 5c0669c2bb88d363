"""The forms of the case documents' pages: which printed documents go into a delivery, the
delivery as made, the 移送书's addressee, a typical case's two parts, and the report and
statistics filters. Input is converted here; the rules are the services'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.cases.enums import DeliveryMethod
from yaoan.core.models import GeneratedDocument, OrgUnit

MONTH_FORMATS = ["%Y-%m"]


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: GeneratedDocument) -> str:
        number = f"（{obj.number}）" if obj.number else ""
        return f"{obj.title}{number} v{obj.version}"


class DeliveryPrepareForm(forms.Form):
    documents = DocumentChoiceField(
        label=_("送达的文书"),
        queryset=GeneratedDocument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择要送达的文书")},
    )

    def __init__(self, *args: Any, documents: QuerySet[GeneratedDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]


class DeliveryRecordForm(forms.Form):
    method = forms.ChoiceField(label=_("送达方式"), choices=DeliveryMethod.choices)
    delivered_on = forms.DateField(
        label=_("送达日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请填写送达日期"),
            "invalid": _("送达日期格式应为 2026-12-08"),
        },
    )
    receiver = forms.CharField(label=_("签收人"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    receipt = forms.FileField(
        label=_("签收的送达回证或电子送达确认"),
        required=False,
        help_text=_(
            "PDF、图片或 Word 文件；直接送达、留置送达、邮寄送达、电子送达、委托送达必须上传"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()


class TransferForm(forms.Form):
    police_unit = forms.CharField(label=_("接收移送的公安机关"), max_length=100)
    suspected_crime = forms.CharField(label=_("涉嫌罪名"), max_length=100)
    procuratorate = forms.CharField(label=_("抄送的检察机关"), max_length=100, required=False)


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        kwargs.setdefault(
            "error_messages", {"invalid": _("月份格式应为 2026-12"), "required": _("请选择月份")}
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value


class TypicalCaseForm(forms.Form):
    month = MonthField(label=_("报送月份"))
    overview = forms.CharField(
        label=_("一、案情概述"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=4000,
        help_text=_("简要介绍案件主要违法情形、主要调查取证过程、问题产品查控情况等。"),
    )
    result = forms.CharField(
        label=_("二、查办结果"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_("说明违法行为定性裁量适用的法律依据，案件行政处罚结果、行刑衔接情况等内容。"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)


class ReportFilterForm(forms.Form):
    month = MonthField(label=_("月份"), required=False)
    org_unit = forms.ModelChoiceField(
        label=_("报送单位"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("全部")
    )
    year = forms.IntegerField(label=_("统计年度"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]

    def chosen_month(self) -> dt.date:
        month = self.cleaned_data.get("month") if self.is_valid() else None
        return (month or timezone.localdate()).replace(day=1)

    def chosen_year(self) -> int:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return int(year or timezone.localdate().year)

    def chosen_unit(self) -> OrgUnit | None:
        return self.cleaned_data.get("org_unit") if self.is_valid() else None
