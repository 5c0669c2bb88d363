"""Helpers shared by the apps' forms and views."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one,
    otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# Django's stock messages ("确保该值大于或等于2000。") name neither the field nor the unit; these
# name the field, and a year reads as a year
YEAR_MESSAGES = {
    "min_value": N_("{}不能早于 %(limit_value)s 年。"),
    "max_value": N_("{}不能晚于 %(limit_value)s 年。"),
    "invalid": N_("{}应为四位数字的年份，如 2027。"),
}
FIELD_MESSAGES = {
    "min_value": N_("{}不能小于 %(limit_value)s。"),
    "max_value": N_("{}不能大于 %(limit_value)s。"),
    "max_length": N_("{}最多 %(limit_value)d 个字符（现有 %(show_value)d 个）。"),
    "min_length": N_("{}至少 %(limit_value)d 个字符（现有 %(show_value)d 个）。"),
}
INTEGER_MESSAGE = N_("{}应为整数。")


def _named(template: str, label: Any) -> Any:
    return format_lazy(gettext_lazy(template), label)


def year_field(label: Any = None, **kwargs: Any) -> forms.IntegerField:
    """A year between 2000 and 2100 whose errors say "年度不能早于 2000 年。"."""
    label = label or gettext_lazy("年度")
    kwargs.setdefault("min_value", 2000)
    kwargs.setdefault("max_value", 2100)
    field = forms.IntegerField(label=label, **kwargs)
    field.error_messages.update({k: _named(v, label) for k, v in YEAR_MESSAGES.items()})
    return field


F = TypeVar("F", bound=type[forms.Form])


def named_errors(form_class: F) -> F:
    """Class decorator: the bounds and length errors of every field name the field
    ("一季度不能大于 12。") instead of Django's stock "确保该值小于或等于12。"; a field with
    its own message for a code keeps it."""
    for field in form_class.base_fields.values():
        templates = dict(FIELD_MESSAGES)
        if isinstance(field, forms.IntegerField):
            templates["invalid"] = INTEGER_MESSAGE
        for code, template in templates.items():
            # bounds and lengths come from validators: Django has no field message for them
            current = field.error_messages.get(code)
            if current is None or current in _stock(field, code):
                field.error_messages[code] = _named(template, field.label or "")
    return form_class


def _stock(field: forms.Field, code: str) -> list[Any]:
    """Django's default messages for ``code`` along the field's class hierarchy."""
    return [
        messages[code]
        for klass in type(field).__mro__
        if code in (messages := getattr(klass, "default_error_messages", {}))
    ]
