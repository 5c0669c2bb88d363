"""The upload form of every import: the file and the mode the user chooses."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yaoan.core.tabular.spec import ImportMode


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
        required=False,  # a client that sends none gets the safe default
    )

    def clean_mode(self) -> str:
        return str(self.cleaned_data.get("mode") or ImportMode.ALL_OR_NOTHING)
