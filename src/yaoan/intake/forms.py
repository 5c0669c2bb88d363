"""Forms of the intake inbox: the list's filters and the decisions on one item."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.common.paging import MAX_ID
from yaoan.core.models import OrgUnit
from yaoan.intake.enums import IntakeKind, IntakeStatus

ANY: list[tuple[str, Any]] = [("", _("全部"))]


class IntakeFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[*ANY, *IntakeKind.choices])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ANY, *IntakeStatus.choices]
    )
    source_app = forms.CharField(label=_("来源模块"), required=False, max_length=40)
    station = forms.ModelChoiceField(
        label=_("所属单位"), required=False, queryset=OrgUnit.objects.none()
    )

    def __init__(self, *args: Any, stations: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(ReasonForm):
    into = forms.IntegerField(
        label=_("合并到事项编号"),
        min_value=1,
        max_value=MAX_ID,
        help_text=_("如 12（列表中的 #12）"),
    )
