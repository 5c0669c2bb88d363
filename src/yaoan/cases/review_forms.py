"""Forms of 案卷评查: the checklist (a score and a deduction reason per item, the veto
items, the findings), assigning one review, opening the yearly 回头看."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaoan.cases.review_enums import CHECKLIST, Veto
from yaoan.cases.review_rules import REVIEWER_ROLES
from yaoan.cases.review_services import ItemScore
from yaoan.common.forms import year_field
from yaoan.core.models import User


def reviewer_choices() -> QuerySet[User]:
    return (
        User.objects.people()
        .filter(is_active=True, role_assignments__role__in=REVIEWER_ROLES)
        .select_related("org_unit")
        .distinct()
        .order_by("org_unit__sort_order", "display_name", "id")
    )


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.org_unit.name if obj.org_unit_id else "-"
        return f"{obj.display_name or obj.username}（{unit}）"


class ReviewersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.org_unit.name if obj.org_unit_id else "-"
        return f"{obj.display_name or obj.username}（{unit}）"


class ChecklistForm(forms.Form):
    vetoes = forms.MultipleChoiceField(
        label=_("否决项（一票否决）"),
        choices=Veto.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.CharField(
        label=_("评查意见"), max_length=4000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in CHECKLIST:
            self.fields[f"score_{item.code}"] = forms.IntegerField(
                label=_("%(l)s（满分 %(p)s）") % {"l": item.label, "p": item.points},
                min_value=0,
                max_value=item.points,
                initial=item.points,
                help_text=str(item.standard),
            )
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("%(l)s扣分理由") % {"l": item.label}, max_length=500, required=False
            )
        self.order_fields(
            [name for i in CHECKLIST for name in (f"score_{i.code}", f"note_{i.code}")]
        )

    def scores(self) -> dict[str, ItemScore]:
        data = self.cleaned_data
        return {
            item.code: ItemScore(data[f"score_{item.code}"], data.get(f"note_{item.code}", ""))
            for item in CHECKLIST
        }


class AssignReviewForm(forms.Form):
    reviewer = ReviewerField(label=_("评查人"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_choices()  # type: ignore[attr-defined]


class LookbackForm(forms.Form):
    year = year_field(_("回头看年度"))
    reviewers = ReviewersField(
        label=_("评查人"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("案件依次分配给评查人；评查人不会被分到自己承办的案件"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewer_choices()  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year - 1
