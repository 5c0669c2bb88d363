"""``{% personal_value obj "field" %}``: the masked value and, for a reader who may see it,
the "显示" action of the audited reveal (core.pii.views)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from yaoan.core.pii.services import may_reveal

register = template.Library()


@register.simple_tag(takes_context=True)
def personal_value(context: dict[str, Any], obj: models.Model, field: str) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None)
    value = getattr(obj, field) or ""
    return render_to_string(
        "core/pii/_value.html",
        {
            "obj": obj,
            "field": field,
            "label": obj._meta.label_lower,
            "value": value,
            "dom_id": f"pii-{obj._meta.label_lower.replace('.', '-')}-{obj.pk}-{field}",
            "can_reveal": bool(value) and user is not None and may_reveal(user, obj, field),
        },
        request=request,
    )
