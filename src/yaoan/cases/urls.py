"""The case pages (the staff pages of the procedure are added beside this)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from yaoan.cases import urls_oversight

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += urls_oversight.urlpatterns  # publication and 案卷评查
