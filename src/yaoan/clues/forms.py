"""Forms of the clues pages: the inbox's filter, a clue entered by hand, a monitoring
push, and one form per step. They only convert input; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yaoan.clues.enums import (
    MANUAL_SOURCES,
    ClosureReason,
    ClueSource,
    ClueStatus,
    FeedbackOutcome,
    TransferKind,
)
from yaoan.core.models import OrgUnit, User

ANY: list[tuple[str, Any]] = [("", _("全部"))]
TEXTAREA = forms.Textarea(attrs={"rows": 4})
DATE = forms.DateInput(attrs={"type": "date"})


class ClueFilterForm(forms.Form):
    q = forms.CharField(label=_("编号或对象"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[*ANY, *ClueStatus.choices])
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[*ANY, *ClueSource.choices])
    station = forms.ModelChoiceField(
        label=_("承办单位"), required=False, queryset=OrgUnit.objects.none()
    )
    mine = forms.BooleanField(label=_("我承办的"), required=False)
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = units  # type: ignore[attr-defined]


class EntityLookupMixin(forms.Form):
    entity_code = forms.CharField(
        label=_("监管对象统一社会信用代码"),
        required=False,
        max_length=18,
        help_text=_("已登记的监管对象填写其代码；未登记的填写涉及对象名称"),
    )


class ClueRegisterForm(EntityLookupMixin):
    source = forms.ChoiceField(
        label=_("来源"), choices=[(s.value, s.label) for s in MANUAL_SOURCES]
    )
    source_label = forms.CharField(
        label=_("来源说明"), max_length=200, help_text=_("如：区卫健委移送函 卫监移〔2026〕3号")
    )
    subject_name = forms.CharField(label=_("涉及对象名称"), required=False, max_length=200)
    org_unit = forms.ModelChoiceField(
        label=_("承办单位"),
        required=False,
        queryset=OrgUnit.objects.none(),
        help_text=_("不选则为监管对象所在网格的监管所"),
    )
    received_on = forms.DateField(label=_("收到日期"), widget=DATE)
    summary = forms.CharField(label=_("线索内容"), max_length=4000, widget=TEXTAREA)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class PushForm(EntityLookupMixin):
    reference = forms.CharField(label=_("推送编号"), max_length=60)
    monitored_on = forms.DateField(label=_("监测日期"), widget=DATE)
    platform = forms.CharField(label=_("交易平台"), max_length=100)
    shop_name = forms.CharField(label=_("网店名称"), max_length=200)
    shop_url = forms.CharField(label=_("网店或商品链接"), required=False, max_length=300)
    product = forms.CharField(label=_("涉及产品"), max_length=200)
    suspected_issue = forms.CharField(label=_("疑似违法违规情形"), max_length=2000, widget=TEXTAREA)
    station = forms.ModelChoiceField(
        label=_("承办所"),
        required=False,
        queryset=OrgUnit.objects.none(),
        help_text=_("不选则为监管对象所在网格的监管所"),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = units  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=TEXTAREA)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=User.objects.none())

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in officers])  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u.display_name or u.username}（{u.org_unit}）"  # type: ignore[attr-defined]


class ReassignForm(AssignForm):
    reason = forms.CharField(label=_("改派理由"), max_length=2000, widget=TEXTAREA)


class VerifyForm(forms.Form):
    findings = forms.CharField(label=_("核查情况"), max_length=4000, widget=TEXTAREA)
    violation_found = forms.BooleanField(label=_("发现违法行为"), required=False)


class CloseForm(forms.Form):
    closure_reason = forms.ChoiceField(label=_("办结原因"), choices=ClosureReason.choices)
    note = forms.CharField(label=_("处理意见"), max_length=2000, widget=TEXTAREA)


class FileCaseForm(forms.Form):
    note = forms.CharField(label=_("立案建议"), required=False, max_length=2000, widget=TEXTAREA)


class TransferForm(forms.Form):
    kind = forms.ChoiceField(label=_("移送对象类别"), choices=TransferKind.choices)
    to = forms.CharField(label=_("接收机关"), max_length=200)
    reason = forms.CharField(label=_("移送理由"), max_length=2000, widget=TEXTAREA)


class FeedbackForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=FeedbackOutcome.choices)
    feedback = forms.CharField(label=_("反馈情况"), max_length=4000, widget=TEXTAREA)
