from django.urls import path

from yaoan.clues import views
from yaoan.clues.imports import PUSH_IMPORT
from yaoan.core.tabular.views import import_urls

app_name = "clues"

urlpatterns = [
    path("", views.clue_list_view, name="clue_list"),
    path("new/", views.clue_register_view, name="clue_register"),
    path("pushes/new/", views.push_create_view, name="push_create"),
    *import_urls(PUSH_IMPORT, "pushes/import/"),
    path("from-intake/<int:item_pk>/", views.accept_intake_view, name="accept_intake"),
    path("<int:pk>/", views.clue_detail_view, name="clue_detail"),
    path("<int:pk>/<slug:action>/", views.clue_action_view, name="clue_action"),
]
