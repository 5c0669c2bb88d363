from django.urls import path

from yaoan.inspections import (
    views,
    views_documents,
    views_record,
    views_rectification,
    views_scheduling,
)

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list_view, name="inspection_list"),
    path("new/", views_scheduling.inspection_create_view, name="inspection_create"),
    path("from-plan/", views_scheduling.from_plan_view, name="from_plan"),
    path("draws/<int:pk>/execute/", views_scheduling.draw_execute_view, name="draw_execute"),
    path("<int:pk>/", views.inspection_detail_view, name="inspection_detail"),
    path("<int:pk>/record/", views_record.inspection_record_view, name="inspection_record"),
    path("<int:pk>/draft/", views_record.inspection_draft_view, name="inspection_draft"),
    path(
        "<int:pk>/photos/",
        views_record.inspection_photo_upload_view,
        name="inspection_photo_upload",
    ),
    path("<int:pk>/cancel/", views.inspection_cancel_view, name="inspection_cancel"),
    path("<int:pk>/amend/", views.inspection_amend_view, name="inspection_amend"),
    path("amendments/<int:pk>/decide/", views.amendment_decide_view, name="amendment_decide"),
    path("findings/<int:pk>/escalate/", views.finding_escalate_view, name="finding_escalate"),
    path("rectifications/", views_rectification.rectification_list_view, name="rectification_list"),
    path(
        "rectifications/<int:pk>/",
        views_rectification.rectification_detail_view,
        name="rectification_detail",
    ),
    path(
        "rectifications/<int:pk>/print/",
        views_documents.rectification_print_view,
        name="rectification_print",
    ),
    path(
        "<int:pk>/record/print/",
        views_documents.inspection_record_print_view,
        name="inspection_record_print",
    ),
    path("publication/", views.publication_list_view, name="publication_list"),
    path("checklists/", views.checklist_list_view, name="checklist_list"),
    path(
        "entities/<int:pk>/recompute-risk/",
        views.entity_risk_recompute_view,
        name="entity_risk_recompute",
    ),
]
