"""The case pages (the staff pages of the procedure are added beside this)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from yaoan.cases import urls_documents

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = []
# the documents, deliveries and reports (casedocs)
urlpatterns += urls_documents.urlpatterns
