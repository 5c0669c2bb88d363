from django.urls import path

from yaoan.plans import views, views_rules

app_name = "plans"

urlpatterns = [
    path("", views.plan_list_view, name="plan_list"),
    path("generate/", views.plan_generate_view, name="plan_generate"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("rules/frequency/", views_rules.frequency_rules_view, name="frequency_rules"),
    path(
        "rules/frequency/new/", views_rules.frequency_rule_form_view, name="frequency_rule_create"
    ),
    path(
        "rules/frequency/<int:pk>/",
        views_rules.frequency_rule_form_view,
        name="frequency_rule_edit",
    ),
    path(
        "rules/frequency/<int:pk>/delete/",
        views_rules.frequency_rule_delete_view,
        name="frequency_rule_delete",
    ),
    path("rules/key-list/", views_rules.key_list_rules_view, name="key_list_rules"),
    path(
        "rules/key-list/<slug:code>/",
        views_rules.key_list_rule_edit_view,
        name="key_list_rule_edit",
    ),
    path("year/<int:year>/versions/", views.plan_versions_view, name="plan_versions"),
    path("<int:pk>/", views.plan_detail_view, name="plan_detail"),
    path("<int:pk>/history/", views.plan_history_view, name="plan_history"),
    path("<int:pk>/revise/", views.plan_revise_view, name="plan_revise"),
    path("<int:pk>/export.xlsx", views.plan_export_xlsx_view, name="plan_export_xlsx"),
    path("<int:pk>/export.docx", views.plan_export_docx_view, name="plan_export_docx"),
    path("<int:pk>/items/add/", views.item_add_view, name="item_add"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit_view, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.item_remove_view, name="item_remove"),
    path("<int:pk>/<str:action>/", views.plan_transition_view, name="plan_transition"),
]
