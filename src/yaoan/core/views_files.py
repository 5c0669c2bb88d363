"""The one door through which stored files leave the server: ``/attachments/<id>/``.

The subject's app decides who sees an attachment (core.attachments.may_see_attachment);
anyone else gets 404 with an audit row, the same answer as an attachment that does not
exist (S9). The bytes are checked against their SM3 digest on the way out (S21)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yaoan.core import audit
from yaoan.core.attachments import (
    INLINE_TYPES,
    AttachmentTamperedError,
    may_see_attachment,
    read_attachment,
)
from yaoan.core.models import Attachment, User


def attachment_view(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None or not may_see_attachment(user, attachment):
        if attachment is not None:
            audit.record(
                "core.attachment.refused",
                actor=user,
                success=False,
                object_type="core.attachment",
                object_id=str(pk),
            )
        raise Http404
    try:
        content = read_attachment(attachment, actor=user)
    except AttachmentTamperedError:
        return render(
            request, "core/attachment_tampered.html", {"attachment": attachment}, status=409
        )
    response = HttpResponse(content, content_type=attachment.content_type)
    disposition = "inline" if attachment.content_type in INLINE_TYPES else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(attachment.original_name)}"
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SM3"] = attachment.sm3
    return response
