"""Every user's inbox: newest first, keyset-paged (fast at any depth), read/unread, a link
to the record that marks the message read."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common.paging import MAX_ID
from yaoan.common.urls import fixed_url
from yaoan.core.enums import NotificationKind
from yaoan.core.http import AuthenticatedHttpRequest
from yaoan.core.models import Notification
from yaoan.core.notifications import mark_read

PAGE_SIZE = 50


def _before(request: AuthenticatedHttpRequest) -> int | None:
    raw = request.GET.get("before", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None


def notifications_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    before = _before(request)
    rows = Notification.objects.filter(recipient=request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if before is not None:
        rows = rows.filter(id__lt=before)
    page = list(
        rows.order_by("-id").only("id", "kind", "title", "link", "created_at", "read_at")[
            : PAGE_SIZE + 1
        ]
    )
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    labels = {value: str(label) for value, label in NotificationKind.choices}
    for note in page:
        note.kind_label = labels.get(note.kind, note.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "core/notifications.html",
        {
            "notifications": page,
            "unread_only": unread_only,
            "next_before": page[-1].pk if has_more else None,
            "paged": before is not None,
            "inbox_url": fixed_url("core:notifications"),
        },
    )


def notification_open_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the link; only a link inside this site is followed."""
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(request.user, [note.pk])
    if note.link and url_has_allowed_host_and_scheme(
        note.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.link)
    return redirect("core:notifications")


@require_POST
def notifications_read_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit() and int(v) <= MAX_ID]
    count = mark_read(request.user, ids if ids else None)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("core:notifications")
