"""Forms never prefill personal data (issue 14): the input is empty, its placeholder shows
the masked value, an empty input keeps the stored value and a tick clears it. Seeing the
full value is the audited reveal (services.reveal), not a form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from yaoan.common.masking import mask_personal

CLEAR_SUFFIX = "__clear"


class PersonalDataInput(forms.TextInput):
    template_name = "core/pii/personal_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, kind: str = "text") -> None:
        super().__init__(attrs)
        self.kind = kind
        self.masked_initial = ""
        self.echo_typed = False

    def format_value(self, value: Any) -> str | None:
        # what the person typed in this request comes back after an error elsewhere in
        # the form; what is stored never does
        return super().format_value(value) if self.echo_typed else None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if self.masked_initial:
            context["widget"]["attrs"]["placeholder"] = _("%(masked)s（留空则不修改）") % {
                "masked": self.masked_initial
            }
        context["widget"]["masked_initial"] = self.masked_initial
        context["widget"]["clear_name"] = name + CLEAR_SUFFIX
        return context


class PersonalDataFormField(forms.CharField):
    widget: PersonalDataInput

    def __init__(self, *args: Any, kind: str = "text", **kwargs: Any) -> None:
        kwargs["widget"] = PersonalDataInput(kind=kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "phone":
            self.widget.input_type = "tel"


class PersonalDataFormMixin(forms.BaseForm):
    """For a form with PersonalDataFormFields: shows the stored value masked and keeps it
    when the input is left empty (unless "清空" is ticked)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self._personal_fields():
            field.widget.echo_typed = self.is_bound
            stored = self.initial.get(name) or ""
            field.widget.masked_initial = mask_personal(field.kind, stored) if stored else ""
            if stored:
                field.required = False  # empty keeps what is stored

    def _personal_fields(self) -> list[tuple[str, PersonalDataFormField]]:
        return [(n, f) for n, f in self.fields.items() if isinstance(f, PersonalDataFormField)]

    def _clearing(self, name: str) -> bool:
        return self.data.get(self.add_prefix(name) + CLEAR_SUFFIX) in ("1", "on", "true")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, _field in self._personal_fields():
            if name in data and not data[name] and not self._clearing(name):
                data[name] = self.initial.get(name) or ""
        return data
