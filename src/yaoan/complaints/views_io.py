"""The complaint list's side doors: the .xlsx export of exactly the rows the page lists,
the registry suggestions for the entry and matching forms (by name, credit code, pinyin
initials — registry.queries.entities_matching), and the overdue complaints counted per
station (each count links to the filtered list). The import pages come from the tabular
layer (urls.py routes import_urls for imports.COMPLAINT_IMPORT)."""

from __future__ import annotations

from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.complaints.exports import export_complaints
from yaoan.complaints.queries import overdue_complaints
from yaoan.complaints.rules import READ_COMPLAINT
from yaoan.complaints.views import filtered_complaints, suggestions
from yaoan.core.access import allowed_user


def complaint_export_view(request: HttpRequest) -> FileResponse:
    user = allowed_user(request, READ_COMPLAINT)
    filterset, rows = filtered_complaints(request, user)
    filters = {key: request.GET.getlist(key) for key in request.GET if key in filterset.filters}
    handle = export_complaints(actor=user, complaints=rows, filters=filters)
    return xlsx.xlsx_response(handle, _("投诉举报.xlsx"))


def entity_suggestions_view(request: HttpRequest) -> HttpResponse:
    """A few registry entities for what was typed (htmx partial): the staff member picks
    one, or keeps the complaint unmatched. Only entities in the reader's scope."""
    user = allowed_user(request, READ_COMPLAINT)
    term = request.GET.get("subject_name") or request.GET.get("q") or ""
    return render(request, "complaints/_entity_suggestions.html", suggestions(user, term))


def overdue_by_station_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    rows = (
        overdue_complaints(user)
        .values("org_unit", "org_unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "org_unit__name")
    )
    return render(request, "complaints/overdue_by_station.html", {"rows": list(rows)})
