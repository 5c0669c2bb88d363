"""A list page's FilterSet serving an API list too: its filters documented as OpenAPI
query parameters, and applied with the page's validation."""

from __future__ import annotations

from typing import Any, TypeVar

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


def _filter_schema(flt: django_filters.Filter) -> tuple[dict[str, Any], str]:
    choices = flt.extra.get("choices")
    if isinstance(flt, django_filters.OrderingFilter):
        fields = [str(code) for code, _label in choices]
        return {"type": "string", "enum": fields}, "（字段名，前加 - 表示降序）"
    if choices and not callable(choices):
        pairs = [(str(code), str(label)) for code, label in choices if code != ""]
        listed = "；".join(f"{code}={label}" for code, label in pairs)
        return {"type": "string", "enum": [code for code, _label in pairs]}, f"。取值：{listed}"
    if isinstance(flt, django_filters.NumberFilter | django_filters.ModelChoiceFilter):
        return {"type": "integer"}, "（编号）"
    if isinstance(flt, django_filters.BooleanFilter):
        return {"type": "boolean"}, ""
    max_length = flt.extra.get("max_length")
    return ({"type": "string", "maxLength": max_length} if max_length else {"type": "string"}), ""


def filter_parameters(filterset_class: type[django_filters.FilterSet]) -> list[dict[str, Any]]:
    """OpenAPI query parameters for every filter of a FilterSet, so the document shows
    exactly the filters of the list page."""
    parameters = []
    for name, flt in filterset_class.base_filters.items():
        schema, extra = _filter_schema(flt)
        label = str(flt.label or name)
        parameters.append(
            {
                "in": "query",
                "name": name,
                "required": False,
                "schema": schema,
                "description": f"{label}{extra}",
            }
        )
    return parameters


def filtered(
    filterset_class: type[django_filters.FilterSet], request: HttpRequest, qs: QuerySet[M]
) -> QuerySet[M]:
    """``qs`` filtered by the request's query string; invalid filters are a 422."""
    filterset = filterset_class(request.GET, queryset=qs)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    result: QuerySet[M] = filterset.qs
    return result
