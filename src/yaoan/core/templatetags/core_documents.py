"""{% documents_of record as docs %}: the official documents generated about a record, for
the record's own page (which is already scoped to who may see the record)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from yaoan.core.documents.services import documents_about

register = template.Library()


@register.simple_tag
def documents_of(record: Model) -> list[Any]:
    return list(documents_about(record))
