from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path


def root(request: HttpRequest) -> HttpResponse:
    return redirect("core:home")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


# Chinese pages with navigation, JSON with a code under /api/ (common/error_views.py)
handler400 = "yaoan.common.error_views.bad_request"
handler403 = "yaoan.common.error_views.permission_denied"
handler404 = "yaoan.common.error_views.page_not_found"
handler500 = "yaoan.common.error_views.server_error"

urlpatterns = [
    path("", root),
    path("healthz", healthz),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("yaoan.core.urls")),
    path("registry/", include("yaoan.registry.urls")),
    path("staff/", include("yaoan.staff.urls")),
    path("draws/", include("yaoan.draws.urls")),
    path("public/draws/", include("yaoan.draws.urls_public")),
    path("plans/", include("yaoan.plans.urls")),
    path("inspections/", include("yaoan.inspections.urls")),
    path("intake/", include("yaoan.intake.urls")),
    path("clues/", include("yaoan.clues.urls")),
    path("complaints/", include("yaoan.complaints.urls")),
    path("cases/", include("yaoan.cases.urls")),
    path("public/", include("yaoan.portal.urls")),
    path("api/", include("yaoan.api")),
]
