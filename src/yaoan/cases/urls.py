"""The case pages (the staff pages of the procedure are added beside this)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from yaoan.cases import urls_documents

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    # 行刑衔接, 挂牌督办, 提级办理 (urls_beyond.py)
    path("", include("yaoan.cases.urls_beyond")),
]
# the documents, deliveries and reports (casedocs)
urlpatterns += urls_documents.urlpatterns
