from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (sorting, paging)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], field: str) -> str:
    """Query string that sorts by ``field``, toggling direction when already sorted by it."""
    query: QueryDict = context["request"].GET.copy()
    current = query.get("sort", "")
    query["sort"] = f"-{field}" if current == field else field
    query.pop("page", None)
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_marker(context: dict[str, Any], field: str) -> str:
    current = context["request"].GET.get("sort", "")
    return "▲" if current == field else "▼" if current == f"-{field}" else ""


@register.simple_tag
def filter_control(field: BoundField) -> str:
    """A filter's <select> or <input>, built in Python.

    Django renders every <option> through its own template; a list page with a dozen
    filters spends most of its time there, so these controls are formatted directly.
    """
    widget = field.field.widget
    attrs = {"name": field.html_name, "id": field.auto_id}
    value = field.value()
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key == chosen else "", label)
                for key, label in _choices(field)
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), options)
    if isinstance(widget, forms.TextInput | forms.NumberInput | forms.DateInput):
        attrs["type"] = widget.input_type
        if value not in (None, ""):
            attrs["value"] = str(value)
        return format_html("<input{}>", flatatt(attrs))
    return str(field)


def _choices(field: BoundField) -> list[tuple[str, str]]:
    choices = getattr(field.field, "choices", [])
    return [(str(getattr(key, "value", key)), str(label)) for key, label in choices]
