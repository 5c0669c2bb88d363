"""The page of one workflow step (accept, transfer, approve …), the same in every app: the
step offered from the record's state (a stale button says so on the record's page), the
user allowed to take it (else an audited refusal), then the form and the service call —
whose refusal is shown on the form — and back to the record with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from yaoan.common.forms import add_service_errors
from yaoan.core.access import refusal
from yaoan.core.models import User
from yaoan.core.workflow import Transition, Workflow


def offered_step(
    request: HttpRequest,
    workflow: Workflow,
    obj: models.Model,
    action: str,
    *,
    user: User,
    denied_action: str,
    stale: str,
    denied: str,
    back: Any = None,
) -> Transition | HttpResponse:
    """The transition ``action`` from the record's state, or the response instead of it.
    ``stale``: the message when the record has moved on (``%(s)s`` its state's label);
    ``denied``: the refusal's message (``%(a)s`` the step's label); ``back``: where a stale
    button leads (the record's page by default)."""
    state = getattr(obj, workflow.state_field)
    transition = workflow.transition(state, action)
    if transition is None:  # taken meanwhile, or a stale button
        messages.error(request, stale % {"s": workflow.state_label(state)})
        target: Any = back or obj  # a URL, or a record with get_absolute_url
        return redirect(target)
    if not transition.permission(user, obj):
        raise refusal(request, user, denied_action, denied % {"a": transition.label})
    return transition


def submitted(
    request: HttpRequest,
    form: forms.BaseForm,
    run: Callable[[dict[str, Any]], Any],
    *,
    done: str,
) -> bool:
    """On a valid post, the service call with the cleaned data: True when it went through
    (``done`` shown as the message), False with its refusal on the form otherwise."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        run(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("您无权执行此操作。"))
    else:
        messages.success(request, done)
        return True
    return False
