"""Forms of the staff pages: the list's filters, the profile, qualifications (add, renew,
revoke) and conflicts of interest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import Role
from yaoan.core.models import OrgUnit, Subdistrict, User
from yaoan.registry.enums import ProductClass
from yaoan.registry.models import Entity
from yaoan.staff.enums import ConflictKind, QualificationKind, QualificationState

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或证号"), max_length=50, required=False)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=OrgUnit.objects.none(), required=False)
    qualification = forms.ChoiceField(
        label=_("执法证"),
        choices=[("", _("全部")), *QualificationState.choices],
        required=False,
    )
    profile = forms.ChoiceField(
        label=_("档案"),
        choices=[("", _("全部")), ("yes", _("已建档")), ("no", _("未建档"))],
        required=False,
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ProfileForm(forms.Form):
    badge_number = forms.CharField(
        label=_("执法证/检查员证号"),
        max_length=30,
        help_text=_("公开抽取结果中仅显示每次抽取不同的代号，不显示证号和姓名"),
    )
    home_subdistrict = forms.ModelChoiceField(
        label=_("居住地镇街"), queryset=Subdistrict.objects.all(), required=False
    )
    posted_subdistricts = forms.ModelMultipleChoiceField(
        label=_("包片镇街"),
        queryset=Subdistrict.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class QualificationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("证书类别"),
        choices=QualificationKind.choices,
        initial=QualificationKind.ENFORCEMENT,
    )
    certificate_number = forms.CharField(label=_("证书编号"), max_length=40)
    issuing_authority = forms.CharField(label=_("发证机关"), max_length=100)
    valid_from = forms.DateField(label=_("有效期自"), widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE_WIDGET)
    product_classes = forms.MultipleChoiceField(
        label=_("适用产品类别"),
        choices=ProductClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RenewForm(forms.Form):
    certificate_number = forms.CharField(
        label=_("新证书编号"), max_length=40, required=False, help_text=_("不填则沿用原编号")
    )
    valid_from = forms.DateField(label=_("有效期自"), widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE_WIDGET)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConflictForm(forms.Form):
    inspector = forms.ModelChoiceField(label=_("检查员"), queryset=User.objects.none())
    entity_uscc = forms.CharField(
        label=_("监管对象统一社会信用代码"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    kind = forms.ChoiceField(label=_("回避事由"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, inspectors: Any, entities: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors  # type: ignore[attr-defined]
        self.entities = entities

    def clean_entity_uscc(self) -> Entity:
        code = self.cleaned_data["entity_uscc"].strip().upper()
        entity = self.entities.filter(uscc=code).first()
        if entity is None:
            raise forms.ValidationError(
                _("您的管辖范围内没有统一社会信用代码为 %(code)s 的监管对象。") % {"code": code}
            )
        return entity


def inspector_choices_for(user: User, visible: Any) -> Any:
    """A chief picks any visible inspector; an inspector declares only for themself."""
    if user.has_role(Role.SECTION_CHIEF):
        return visible
    return visible.filter(pk=user.pk)
