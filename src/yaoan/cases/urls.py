"""The case pages (the staff pages of the procedure are added beside this)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from yaoan.cases.urls_penalty import urlpatterns as penalty_urls

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [*penalty_urls]
