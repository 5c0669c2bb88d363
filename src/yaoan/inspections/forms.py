"""Forms of the inspection pages; they validate input, the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.common.forms import year_field
from yaoan.common.paging import MAX_ID
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.inspections.enums import (
    EscalationTarget,
    InspectionKind,
    InspectionStatus,
    ItemResult,
    Severity,
)
from yaoan.inspections.models import Checklist, Finding, Inspection, ItemRecord
from yaoan.inspections.plan_visits import quarter_of

# random inspections come only from a draw, re-inspections only from a rectification order
SCHEDULABLE_KINDS = [
    (k.value, k.label)
    for k in InspectionKind
    if k not in (InspectionKind.REINSPECTION, InspectionKind.RANDOM)
]


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.org_unit.short_name or obj.org_unit.name if obj.org_unit else ""
        return f"{obj.display_name or obj.username}（{unit}）"


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("检查类型"), choices=SCHEDULABLE_KINDS)
    scheduled_for = forms.DateField(
        label=_("计划检查日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    inspectors = InspectorChoiceField(
        label=_("检查人员（至少两名）"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    joint_department = forms.ModelChoiceField(
        label=_("联合检查部门"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.MEMBER_DEPARTMENT),
        required=False,
    )
    campaign = forms.CharField(label=_("专项名称"), max_length=60, required=False)
    reason = forms.CharField(
        label=_("检查事由"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, inspectors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspectors  # type: ignore[attr-defined]
        self.fields["scheduled_for"].initial = timezone.localdate()


class RecordForm(forms.Form):
    """The checklist on the phone: one result and one note per item, built from the checklist."""

    summary = forms.CharField(
        label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lon = forms.CharField(required=False, widget=forms.HiddenInput)
    acc = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, inspection: Inspection, records: dict[int, ItemRecord], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(inspection.checklist.items.all())
        for item in self.items:
            record = records.get(item.pk)
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=ItemResult.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=record.result if record else None,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("说明"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=record.note if record else "",
            )
        self.fields["summary"].initial = inspection.summary

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"result_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]

    def records(self) -> dict[int, tuple[str, str]]:
        """Answered items only: an unanswered one stays unanswered."""
        data = self.cleaned_data
        return {
            item.pk: (data[f"result_{item.pk}"], data.get(f"note_{item.pk}", ""))
            for item in self.items
            if data.get(f"result_{item.pk}")
        }


class SubmitForm(forms.Form):
    co_inspector = forms.ModelChoiceField(
        label=_("同行检查人员"), queryset=User.objects.none(), required=False
    )
    co_code = forms.CharField(
        label=_("同行检查人员的动态口令"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, team: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["co_inspector"].queryset = team  # type: ignore[attr-defined]


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("照片"))
    item = forms.TypedChoiceField(
        label=_("对应检查项目"), required=False, coerce=int, empty_value=None
    )
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)

    def __init__(self, *args: Any, checklist: Checklist, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        item_field: forms.TypedChoiceField = self.fields["item"]  # type: ignore[assignment]
        item_field.choices = [("", _("（整体）"))] + [
            (i.pk, f"{i.number} {i.text[:20]}") for i in checklist.items.all()
        ]
        self.fields["photo"].widget.attrs.update(
            {"accept": "image/jpeg,image/png,image/webp", "capture": "environment"}
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class AmendForm(forms.Form):
    reason = forms.CharField(label=_("修改原因"), widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(
        label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary"].initial = inspection.summary
        self.findings: list[Finding] = list(inspection.findings.all())
        for finding in self.findings:
            self.fields[f"severity_{finding.pk}"] = forms.ChoiceField(
                label=finding.description[:60], choices=Severity.choices, initial=finding.severity
            )

    def severities(self) -> dict[int, str]:
        return {f.pk: self.cleaned_data[f"severity_{f.pk}"] for f in self.findings}


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("企业整改情况"), widget=forms.Textarea(attrs={"rows": 4}))


class ReinspectionForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("复查结论"),
        choices=[("1", _("整改到位，销号")), ("0", _("整改不到位，重新限期整改"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("复查情况"), widget=forms.Textarea(attrs={"rows": 3}))
    new_deadline = forms.DateField(
        label=_("新的整改期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("整改不到位时填写：日期，或下面的工作日数"),
    )
    working_days = forms.IntegerField(
        label=_("或：整改工作日数"), required=False, min_value=1, max_value=120
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("passed") is False and not (
            data.get("new_deadline") or data.get("working_days")
        ):
            self.add_error("new_deadline", _("整改不到位的，须给出新的整改期限（日期或工作日数）"))
        return data


class EscalateForm(forms.Form):
    targets = forms.MultipleChoiceField(
        label=_("移交去向"), choices=EscalationTarget.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=_("移交说明"), widget=forms.Textarea(attrs={"rows": 3}))


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("监管对象"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *InspectionStatus.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("检查类型"), choices=[("", _("全部")), *InspectionKind.choices], required=False
    )
    mine = forms.BooleanField(label=_("只看我的"), required=False)


class FromPlanForm(forms.Form):
    year = year_field(_("年度"))
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        choices=[(1, _("一季度")), (2, _("二季度")), (3, _("三季度")), (4, _("四季度"))],
    )
    station = forms.ModelChoiceField(
        label=_("市场监管所"), queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION)
    )
    joint_department = forms.ModelChoiceField(
        label=_("联合检查部门"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.MEMBER_DEPARTMENT),
        required=False,
        help_text=_("清单中标为联合检查的对象（如疫苗接种单位）与该部门联合检查"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        health = OrgUnit.objects.filter(
            kind=OrgUnitKind.MEMBER_DEPARTMENT, name__contains="卫生健康"
        ).first()
        self.fields["joint_department"].initial = health
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = quarter_of(today)


def row_id(value: str | None) -> int | None:
    """A row id from a query string or a posted form, or None: what no id column can hold
    (a huge number, a superscript digit) is no id rather than a server error."""
    if not value or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def row_ids(values: Iterable[str]) -> list[int]:
    return [n for n in map(row_id, values) if n is not None]
