"""The audited reveal of one personal field: GET asks for the reason, POST shows the value
(an htmx fragment in place of the masked value, or a small page without JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from yaoan.core.models import User
from yaoan.core.pii import services


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("查看原因"),
        max_length=services.REVEAL_REASON_MAX,
        error_messages={"required": _("请填写查看原因。")},
    )


def reveal_view(request: HttpRequest, label: str, pk: int, field: str) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    spec = services.revealable(label, field)
    if spec is None:
        raise Http404
    obj = spec.get_object(user, pk)
    if not services.may_reveal(user, obj, field):
        raise services.refuse_reveal(actor=user, obj=obj, field=field)
    form = RevealForm(request.POST if request.method == "POST" else None)
    plain = None
    if request.method == "POST" and form.is_valid():
        try:
            plain = services.reveal(
                actor=user, obj=obj, field=field, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error("reason", exc.messages[0])
    context: dict[str, Any] = {
        "obj": obj,
        "field": field,
        "field_label": services.field_label(obj, field),
        "label": label,
        "dom_id": f"pii-{label.replace('.', '-')}-{obj.pk}-{field}",
        "masked": getattr(getattr(obj, field), "masked", ""),
        "form": form,
        "plain": plain,
        "back": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
    }
    if getattr(request, "htmx", False):
        fragment = "core/pii/_revealed.html" if plain is not None else "core/pii/_reveal_form.html"
        return render(request, fragment, context)  # htmx swaps only a 200: errors show in place
    return render(request, "core/pii/reveal.html", context)
