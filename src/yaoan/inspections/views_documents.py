"""Printing the inspection's official documents: the 责令改正通知书 of a rectification order
and the 现场检查笔录 of a submitted inspection. Whoever may see the record may print it;
the file comes back as .docx (A4, 公文 layout) and stays on record with its digest."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.core.access import allowed_user
from yaoan.core.views_documents import document_response
from yaoan.inspections import documents
from yaoan.inspections.rules import READ_INSPECTIONS
from yaoan.inspections.views import visible_inspection, visible_order


def _refused(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("您无权执行此操作。"))


@require_POST
def rectification_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    order = visible_order(user, pk)
    try:
        doc = documents.print_rectification_notice(actor=user, order=order)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        return redirect(order)
    return document_response(request, doc, user)


@require_POST
def inspection_record_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = visible_inspection(user, pk)
    try:
        doc = documents.print_inspection_record(actor=user, inspection=inspection)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        return redirect(inspection)
    return document_response(request, doc, user)
