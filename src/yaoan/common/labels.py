"""Stored values as a Chinese reader should see them: a model field's verbose name instead of
its code name, a choice's label instead of its code, 是/否 for booleans, the referenced row's
name for a foreign key id. Used wherever a page shows a dict of field values (audit
before/after, plan item history)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps as django_apps
from django.db import models
from django.utils.translation import gettext as _

EMPTY = "—"


def model_field(object_type: str, key: str) -> models.Field[Any, Any] | None:
    """The field of ``object_type`` ("app_label.model") named ``key`` or with that attname
    (``station_id``); None for an unknown model or key."""
    try:
        model = django_apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    for field in model._meta.concrete_fields:
        if key in (field.name, field.attname):
            return field
    return None


def field_label(field: models.Field[Any, Any] | None, key: str) -> str:
    return str(field.verbose_name) if field is not None else key


# names of referenced rows already looked up while showing one page: (model label, pk) → name
RowNames = dict[tuple[str, Any], str]


def shown_value(
    value: Any, field: models.Field[Any, Any] | None = None, names: RowNames | None = None
) -> str:
    """``value`` for a reader; ``names`` (shared across a page's calls) looks each
    referenced row up once."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    related = field.related_model if isinstance(field, models.ForeignKey) else None
    if related is not None and not isinstance(related, str):
        names = {} if names is None else names
        key = (related._meta.label, value)
        if key not in names:
            row = related._default_manager.filter(pk=value).first()
            names[key] = str(row) if row is not None else str(value)
        return names[key]
    return str(value)


def labelled_values(
    object_type: str, values: Mapping[str, Any] | None, names: RowNames | None = None
) -> list[tuple[str, str]]:
    """(field's name, value as shown) for each item of ``values``, in order."""
    rows = []
    for key, value in (values or {}).items():
        field = model_field(object_type, key)
        rows.append((field_label(field, key), shown_value(value, field, names)))
    return rows


def row_names(object_type: str, dicts: Iterable[Mapping[str, Any] | None]) -> RowNames:
    """The names of the rows ``dicts`` (of ``object_type`` field values) refer to by foreign
    key, one query per referenced model: pass it as ``names`` and a page of changes looks
    nothing up row by row."""
    return row_names_of((object_type, values) for values in dicts)


def row_names_of(typed_dicts: Iterable[tuple[str, Mapping[str, Any] | None]]) -> RowNames:
    """``row_names`` for dicts of several object types: (object type, field values) pairs."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for object_type, values in typed_dicts:
        for key, value in (values if isinstance(values, Mapping) else {}).items():
            field = model_field(object_type, key)
            related = field.related_model if isinstance(field, models.ForeignKey) else None
            if related is not None and not isinstance(related, str) and value not in (None, ""):
                wanted[related].add(value)
    names: RowNames = {}
    for model, pks in wanted.items():
        for row in model._default_manager.filter(pk__in=pks):
            names[(model._meta.label, row.pk)] = str(row)
    return names
