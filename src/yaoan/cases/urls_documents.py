"""The routes of the case documents' and reports' pages, included by ``cases/urls.py``
(``urlpatterns += urls_documents.urlpatterns``, inside the ``cases`` namespace)."""

from __future__ import annotations

from django.urls import URLPattern, path

from yaoan.cases import views_documents as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/documents/", views.case_documents_view, name="case_documents"),
    path("<int:pk>/documents/print/<str:kind>/", views.case_print_view, name="case_document_print"),
    path("<int:pk>/documents/decision-set/", views.decision_set_view, name="case_decision_set"),
    path(
        "<int:pk>/documents/transfer/", views.transfer_document_view, name="case_transfer_document"
    ),
    path(
        "<int:pk>/documents/deliveries/new/",
        views.delivery_prepare_view,
        name="case_delivery_prepare",
    ),
    path("deliveries/<int:pk>/record/", views.delivery_record_view, name="delivery_record"),
    path(
        "evidence/<int:pk>/record-print/",
        views.evidence_record_print_view,
        name="evidence_record_print",
    ),
    path("<int:pk>/typical/", views.typical_case_view, name="case_typical"),
    path("typical/<int:pk>/withdraw/", views.typical_withdraw_view, name="typical_withdraw"),
    path("reports/", views.reports_view, name="case_reports"),
    path("reports/typical.docx", views.typical_report_view, name="typical_report"),
    path("reports/statistics.xlsx", views.statistics_export_view, name="case_statistics"),
]
