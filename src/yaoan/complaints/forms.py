"""Forms of the complaints pages: the list's filter and a new 投诉举报. They only
convert input; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.complaints.enums import ComplaintStatus

ANY: list[tuple[str, Any]] = [("", _("全部"))]


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[*ANY, *ComplaintStatus.choices]
    )
