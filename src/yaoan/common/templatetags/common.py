from __future__ import annotations

from html import escape
from typing import Any

from django import forms, template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.safestring import mark_safe

from yaoan.common.labels import labelled_values
from yaoan.common.urls import fixed_url

register = template.Library()


@register.simple_tag
def fixed(name: str) -> str:
    """{% url %} for a URL name without arguments, memoised (common.urls.fixed_url)."""
    return fixed_url(name)


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


def sort_link(context: dict[str, Any], field: str) -> str:
    """Query string that sorts by ``field``, toggling direction when already sorted by it."""
    query: QueryDict = context["request"].GET.copy()
    current = query.get("sort", "")
    query["sort"] = f"-{field}" if current == field else field
    query.pop("page", None)
    return query.urlencode()


def sort_marker(context: dict[str, Any], field: str) -> str:
    current = context["request"].GET.get("sort", "")
    return "▲" if current == field else "▼" if current == f"-{field}" else ""


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], field: str, label: str) -> str:
    """A column header <th> linking to this list sorted by ``field`` (sort_link), with
    the arrow of the current direction (sort_marker)."""
    marker = sort_marker(context, field)
    return mark_safe(  # noqa: S308 -- the label and the query string are escaped
        f'<th><a href="?{escape(sort_link(context, field))}">{escape(str(label))} {marker}</a></th>'
    )


@register.simple_tag
def filter_fields(form: forms.BaseForm, exclude: str = "") -> str:
    """Every field of a filter form but those named in ``exclude`` (comma-separated), each
    as <div class="field"> with its label, control (filter_control) and errors, built in
    Python: through the template engine the form cost more than the list it filters."""
    skip = set(exclude.split(",")) if exclude else set()
    parts = []
    for name in form.fields:
        if name in skip:
            continue
        field = form[name]
        errors = "".join(
            f'<p class="error" role="alert">{escape(str(e))}</p>' for e in field.errors
        )
        parts.append(
            f'<div class="field"><label for="{escape(field.id_for_label or "")}">'
            f"{escape(str(field.label))}</label>{filter_control(field)}{errors}</div>"
        )
    return mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped


def filter_control(field: BoundField) -> str:
    """A filter's <select> or <input>, built in Python.

    Django renders every <option> through its own template, and even format_html costs
    more per option than the list's query; a list page with a dozen filters and a
    hundred options spent most of its time here, so the controls are formatted directly
    with every value escaped.
    """
    widget = field.field.widget
    attrs = flatatt({"name": field.html_name, "id": field.auto_id})
    value = field.value()
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if key == chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in _choices(field)
        )
        return mark_safe(f"<select{attrs}>{options}</select>")  # noqa: S308 -- escaped above
    if isinstance(widget, forms.TextInput | forms.NumberInput | forms.DateInput):
        extra = {"type": widget.input_type}
        if value not in (None, ""):
            extra["value"] = str(value)
        return mark_safe(f"<input{attrs}{flatatt(extra)}>")  # noqa: S308 -- flatatt escapes
    return str(field)


def _choices(field: BoundField) -> list[tuple[str, str]]:
    choices = getattr(field.field, "choices", [])
    return [(str(getattr(key, "value", key)), str(label)) for key, label in choices]


@register.filter
def labelled(values: Any, object_type: str) -> list[tuple[str, str]]:
    """``{% for name, value in change.after|labelled:"plans.planitem" %}``: a dict of field
    values with the fields' Chinese names and the values' labels (common.labels)."""
    return labelled_values(object_type, values if isinstance(values, dict) else None)
