"""The pages of 行刑衔接, 挂牌督办 and 提级办理, included by cases/urls.py into the
``cases`` namespace (``path("", include("yaoan.cases.urls_beyond"))``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from yaoan.cases import views_supervision, views_transfer

urlpatterns: list[URLPattern] = [
    path("transfers/", views_transfer.transfer_register_view, name="transfer_register"),
    path("transfers/export/", views_transfer.transfer_export_view, name="transfer_export"),
    path("transfers/<int:pk>/", views_transfer.transfer_detail_view, name="transfer_detail"),
    path(
        "transfers/<int:pk>/follow-up/",
        views_transfer.transfer_follow_up_view,
        name="transfer_follow_up",
    ),
    path(
        "transfers/<int:pk>/document/",
        views_transfer.transfer_document_view,
        name="transfer_document",
    ),
    path(
        "transfers/<int:pk>/<slug:action>/",
        views_transfer.transfer_step_view,
        name="transfer_action",
    ),
    path("<int:case_pk>/transfer/", views_transfer.transfer_propose_view, name="transfer_propose"),
    path("supervision/", views_supervision.supervision_list_view, name="supervision_list"),
    path(
        "supervision/<int:pk>/",
        views_supervision.supervision_detail_view,
        name="supervision_detail",
    ),
    path(
        "supervision/<int:pk>/report/",
        views_supervision.supervision_report_view,
        name="supervision_report",
    ),
    path(
        "supervision/<int:pk>/<slug:action>/",
        views_supervision.supervision_step_view,
        name="supervision_action",
    ),
    path(
        "<int:case_pk>/supervise/",
        views_supervision.supervision_create_view,
        name="supervision_create",
    ),
    path("<int:case_pk>/escalate/", views_supervision.case_escalate_view, name="case_escalate"),
]
