"""Excel out of the registry: the export writes exactly the list the user filtered (S25).
The import pages come from the tabular layer (urls.py routes core.tabular.views.import_urls
for imports.ENTITY_IMPORT)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.registry import views
from yaoan.registry.exports import export_entities


def entity_export_view(request: HttpRequest) -> FileResponse:
    """The list page's filters, read by the same FilterSet, scoped to the user: the file
    holds the rows the page lists, across all its pages. The audit row records the
    filters that were applied (not paging or other parameters)."""
    user = views._user(request)
    filterset, entities = views.filtered_entities(request, user)
    filters = {key: request.GET.getlist(key) for key in request.GET if key in filterset.filters}
    handle = export_entities(actor=user, entities=entities, filters=filters)
    return xlsx.xlsx_response(handle, _("监管对象.xlsx"))
