"""The model fields of personal data.

``PersonalDataField(kind=…)`` stores the value sealed (crypto.seal) and gives it back
opened, as a ``PersonalValue``: a ``str`` equal to the plaintext for Python code (services,
documents allowed to show it) that renders masked in a template (``{{ entity.contact_phone }}``
shows 138****1234) — pages are masked unless a view asks for the plaintext on purpose.

``BlindIndexField(source=…)`` keeps the HMAC-SM3 index of a phone or ID number field up to
date on every save (``pre_save``); search with ``matches(Model, "contact_phone", value)``.
A ``QuerySet.update()`` or ``save(update_fields=…)`` that writes the source must write the
index too. The sealed field itself answers no lookup but ``isnull`` and ``= ""``.
"""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact, IsNull
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString

from yaoan.common.masking import mask_personal
from yaoan.core.pii.crypto import blind_index, is_sealed, seal, unseal

KINDS = ("phone", "id_number", "name", "text")
INDEXED_KINDS = ("phone", "id_number")


class PersonalValue(str):
    """The plaintext, which masks itself in templates (``__html__``) and says its kind."""

    kind: str

    def __new__(cls, value: str, kind: str) -> PersonalValue:
        obj = super().__new__(cls, value)
        obj.kind = kind
        return obj

    @property
    def masked(self) -> str:
        return mask_personal(self.kind, str(self))

    def __html__(self) -> SafeString:
        return escape(self.masked)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PersonalValue, (str(self), self.kind))


def personal(value: Any, kind: str) -> Any:
    if isinstance(value, str) and value and not isinstance(value, PersonalValue):
        return PersonalValue(value, kind)
    return value


class _PersonalAttribute(DeferredAttribute):
    """Every value put on the instance (loaded, assigned, from a form) is a PersonalValue."""

    field: PersonalDataField

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = personal(value, self.field.kind)


class _EmptyOnlyExact(Exact):
    """Each sealing draws a new nonce: equal values have different ciphertexts."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target.name} is sealed: search it through its blind index")
        return super().get_prep_lookup()


class PersonalDataField(models.TextField):
    """Personal data of one kind (phone, id_number, name, text), sealed at rest.

    ``max_length`` bounds the plaintext (forms and ``full_clean``); the column is text."""

    descriptor_class = _PersonalAttribute

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown personal data kind {kind!r}")
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    @property
    def label(self) -> str:
        """The associated data of its ciphertexts: the column it belongs to."""
        return f"{self.model._meta.label_lower}.{self.name}"

    @cached_property
    def validators(self) -> list[Any]:
        extra = [validators.MaxLengthValidator(self.max_length)] if self.max_length else []
        return [*super().validators, *extra]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        # a value written before the column was sealed is read as it is (yaoan pii
        # status counts them; rotate seals them)
        plain = unseal(value, self.label) if is_sealed(value) else value
        return PersonalValue(plain, self.kind)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(str(value), self.label)

    def get_lookup(self, lookup_name: str) -> Any:
        return {"exact": _EmptyOnlyExact, "isnull": IsNull}.get(lookup_name)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from yaoan.core.pii.forms import PersonalDataFormField

        return super().formfield(
            **{"form_class": PersonalDataFormField, "kind": self.kind, **kwargs}
        )


class BlindIndexField(models.CharField):
    """HMAC-SM3 of the normalised value of ``source`` (a phone or ID number field)."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.update(max_length=64, blank=True, default="", editable=False, db_index=True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("max_length", "blank", "default", "editable", "db_index"):
            kwargs.pop(fixed, None)
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def source_field(self) -> PersonalDataField:
        field = self.model._meta.get_field(self.source)
        if not isinstance(field, PersonalDataField) or field.kind not in INDEXED_KINDS:
            raise FieldError(f"{self.name}: {self.source} is not a phone or ID number field")
        return field

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        source = self.source_field()
        value = blind_index(source.kind, getattr(model_instance, source.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


def personal_fields(model: type[models.Model]) -> list[PersonalDataField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, PersonalDataField)]


def index_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def matches(model: type[models.Model], field_name: str, value: str) -> Q:
    """The exact-match condition on a personal field, through its blind index. An empty
    value matches nothing (never "every row without a phone")."""
    for index in index_fields(model):
        if index.source == field_name:
            digest = blind_index(index.source_field().kind, value)
            return Q(**{index.name: digest}) if digest else Q(pk__in=[])
    raise FieldError(f"{model._meta.label}.{field_name} has no blind index")
