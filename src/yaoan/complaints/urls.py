from django.urls import path

from yaoan.complaints import views, views_io, views_rewards, views_steps
from yaoan.complaints.imports import COMPLAINT_IMPORT
from yaoan.core.tabular.views import import_urls

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list_view, name="complaint_list"),
    path("new/", views.complaint_create_view, name="complaint_create"),
    path("export.xlsx", views_io.complaint_export_view, name="complaint_export"),
    path("overdue/", views_io.overdue_by_station_view, name="overdue_by_station"),
    path("entity-suggestions/", views_io.entity_suggestions_view, name="entity_suggestions"),
    *import_urls(COMPLAINT_IMPORT, "import/"),
    path("rewards/", views_rewards.reward_list_view, name="reward_list"),
    path("rewards/rules/", views_rewards.reward_rule_list_view, name="reward_rules"),
    path(
        "rewards/rules/<slug:code>/", views_rewards.reward_rule_edit_view, name="reward_rule_edit"
    ),
    path("rewards/<int:pk>/", views_rewards.reward_detail_view, name="reward_detail"),
    path("rewards/<int:pk>/<slug:action>/", views_rewards.reward_step_view, name="reward_action"),
    path("<int:pk>/", views.complaint_detail_view, name="complaint_detail"),
    path("<int:pk>/entity/", views.complaint_match_view, name="complaint_match"),
    path("<int:pk>/rewards/new/", views_rewards.reward_propose_view, name="reward_propose"),
    path("<int:pk>/print/<str:kind>/", views.complaint_print_view, name="complaint_print"),
    path("<int:pk>/<slug:action>/", views_steps.complaint_step_view, name="complaint_action"),
]
