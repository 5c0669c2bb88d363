from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.core.models import Subdistrict, User
from yaoan.core.pii.forms import PersonalDataFormMixin
from yaoan.core.scoping import visible_to
from yaoan.registry.enums import CreditClass, RiskGrade
from yaoan.registry.models import (
    ENTITY_EDITABLE_FIELDS,
    LICENCE_EDITABLE_FIELDS,
    Entity,
    Licence,
    Product,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntityForm(PersonalDataFormMixin, forms.ModelForm):
    class Meta:
        model = Entity
        fields = list(ENTITY_EDITABLE_FIELDS)
        widgets = {
            "uscc": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"})
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        subdistricts = Subdistrict.objects.select_related("station")
        subdistricts = visible_to(user, subdistricts, station="station")
        self.fields["subdistrict"].queryset = subdistricts  # type: ignore[attr-defined]
        self.fields["chain_headquarters"].queryset = Entity.objects.filter(  # type: ignore[attr-defined]
            entity_type="pharmacy_chain", is_deleted=False
        )

    def clean_uscc(self) -> str:
        return str(self.cleaned_data["uscc"]).strip().upper()

    def validate_unique(self) -> None:
        # uniqueness is checked by the service (and the database) inside its transaction
        return None


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label=_("修改原因"),
        max_length=200,
        required=False,
        help_text=_("修改已登记的信息时请说明原因"),
    )


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = list(LICENCE_EDITABLE_FIELDS)
        widgets = {
            "issued_on": DATE,
            "valid_from": DATE,
            "valid_until": DATE,
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("有效期截止日期必须晚于起始日期"))
        return data

    def validate_unique(self) -> None:
        return None


class RatingForm(forms.Form):
    risk_grade = forms.ChoiceField(label=_("风险等级"), choices=RiskGrade.choices, required=False)
    credit_class = forms.ChoiceField(
        label=_("信用分类"), choices=CreditClass.choices, required=False
    )
    reason = forms.CharField(
        label=_("调整原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeleteForm(forms.Form):
    reason = forms.CharField(label=_("删除原因"), max_length=200)


class RestoreForm(forms.Form):
    reason = forms.CharField(label=_("恢复原因"), max_length=200)


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "product_class",
            "name",
            "generic_name",
            "approval_number",
            "registration_number",
            "udi_di",
            "product_identifier",
            "holder",
            "dosage_form",
            "specification",
            "special_drug_kind",
            "is_prescription",
            "is_vaccine",
            "is_cold_chain",
            "in_volume_procurement",
            "is_for_children",
        ]
