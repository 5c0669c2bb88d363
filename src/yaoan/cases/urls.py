"""The case pages (the staff pages of the procedure are added beside this)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = []
