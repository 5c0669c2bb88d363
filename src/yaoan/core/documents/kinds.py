"""Document kinds: what each official document is, which fields its template may use, and
who may see a generated one. Apps register their kinds in ``AppConfig.ready``; core knows
none of them by name (core sits below every app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from yaoan.core.models import User


@dataclass(frozen=True)
class TemplateField:
    """One name a template may use. A list field's rows are dicts with ``columns`` as keys."""

    name: str
    label: str | Promise
    sample: Any
    columns: tuple[TemplateField, ...] = ()


NUMBER_FIELD = TemplateField("number", _("文号"), "示例〔2026〕1号")


@dataclass(frozen=True)
class DocumentKind:
    """``visible(user, subject_id)`` is the subject's app deciding who may see a document
    about that record; ``build_default`` makes the template shipped with the app."""

    code: str
    label: str | Promise
    subject_type: str  # "app_label.model_name" of the record a document is about
    fields: tuple[TemplateField, ...]
    build_default: Callable[[], bytes]
    visible: Callable[[User, int], bool]
    description: str | Promise = ""
    all_fields: tuple[TemplateField, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_fields", (NUMBER_FIELD, *self.fields))

    @property
    def field_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.all_fields)

    def sample_context(self) -> dict[str, Any]:
        return {f.name: f.sample for f in self.all_fields}


_KINDS: dict[str, DocumentKind] = {}


def register_kind(kind: DocumentKind) -> None:
    _KINDS[kind.code] = kind


def document_kind(code: str) -> DocumentKind:
    """The registered kind; ``LookupError`` for a code no app registered."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(code) from None


def document_kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.code)
