"""A FilterSet that costs little to build, for list pages served on every click."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator
from django_filters.fields import ModelChoiceField

from yaoan.common.refdata import ReferenceCache


class FilterForm(forms.Form):
    """The filter form: its fields are already this instance's own (built fresh from the
    FilterSet's filters), so Django's deep copy of every field, its widget and its choices
    with their lazy translations is skipped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        base_fields, type(self).base_fields = self.base_fields, {}
        try:
            super().__init__(*args, **kwargs)
        finally:
            type(self).base_fields = base_fields
        self.fields = dict(base_fields)


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with shallow copies of the declared filters: the library
    deep-copies each one with its choices on every request, which cost more than the
    list's own query. A copy shares only what no request changes (the choices, the
    lookup); the form field each filter builds stays its own."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,  # a QueryDict, or a dict of single values
        queryset: Any = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self) -> type[forms.Form]:
        fields = {name: f.field for name, f in self.filters.items()}
        base = FilterForm if self._meta.form is forms.Form else self._meta.form
        return type(f"{type(self).__name__}Form", (base,), fields)


def _own_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    own = copy.copy(filter_)
    own.__dict__.pop("_field", None)  # the form field is built per instance
    if own.method is not None:
        own.method = own.method  # re-binds the FilterMethod to this copy (its parent)
    return own


class ReferenceChoiceField(ModelChoiceField):
    """Lists its options from a ReferenceCache of (pk, label) rows instead of a query and
    a model instance per option on every form; a submitted value is still looked up in
    ``queryset``, so a stale option is refused, never trusted."""

    def __init__(
        self, *args: Any, options: ReferenceCache[list[tuple[Any, str]]], **kwargs: Any
    ) -> None:
        self.options = options
        super().__init__(*args, **kwargs)

    @property
    def choices(self) -> BaseChoiceIterator:
        return _CachedOptions(self)


class _CachedOptions(BaseChoiceIterator):
    """Read when iterated (a form that is never rendered, as in the API, reads nothing)."""

    def __init__(self, field: ReferenceChoiceField) -> None:
        self.field = field

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.options.get()


class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter over a small reference table: ``options=`` its ReferenceCache."""

    field_class = ReferenceChoiceField


def describe_filters(
    filterset_class: type[django_filters.FilterSet], params: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(filter's label, value as shown) for stored filter parameters (a draw's pool): the
    choice's label or the referenced row's name instead of a code or an id; a key the
    filter set does not know is shown as it is."""
    form = filterset_class(QueryDict(mutable=True)).form
    shown = []
    for key, value in params.items():
        flt = filterset_class.base_filters.get(key)
        if flt is None:
            shown.append((str(key), str(value)))
            continue
        choices = getattr(form.fields.get(key), "choices", None) or ()
        labels = {str(code): str(label) for code, label in choices}
        shown.append((str(flt.label or key), labels.get(str(value), str(value))))
    return shown
