"""Forms of the org structure pages. They only read input; every rule (codes, parents,
what may be deactivated) is the service's, whose errors ``show_errors`` puts back on the
field they name."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import AreaType, OrgUnitKind, SubdistrictKind
from yaoan.core.models import OrgUnit

PARENT_KINDS = (OrgUnitKind.BUREAU, OrgUnitKind.COMMITTEE_OFFICE)


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form field it names, else above the form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def active_stations() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("所属市场监管所"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.STATION, is_active=True),
    )


class OrgUnitCreateForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=32, help_text=_("字母、数字、“-”或“_”"))
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=OrgUnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级单位"),
        queryset=OrgUnit.objects.filter(kind__in=PARENT_KINDS, is_active=True),
        required=False,
        help_text=_("股室、市场监管所、执法支队的上级为区市场监管局；成员单位可不填或选食药安办"),
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)


class OrgUnitRenameForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=30, required=False)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, required=False)


class SubdistrictForm(forms.Form):
    code = forms.CharField(
        label=_("区划代码"),
        max_length=14,
        help_text=_("GB/T 2260 式 9 位（县 6 位 + 镇街 3 位）或 12 位（以 000 结尾）代码"),
    )
    name = forms.CharField(label=_("名称"), max_length=50)
    kind = forms.ChoiceField(label=_("类型"), choices=SubdistrictKind.choices)
    area_type = forms.ChoiceField(label=_("区域类型"), choices=AreaType.choices)
    population = forms.IntegerField(label=_("常住人口"), min_value=0, initial=0)


class SubdistrictCreateForm(SubdistrictForm):
    station = active_stations()


class SubdistrictMoveForm(forms.Form):
    station = active_stations()
    reason = forms.CharField(label=_("调整原因"), max_length=200)
