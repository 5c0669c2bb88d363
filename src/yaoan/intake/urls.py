from django.urls import path

from yaoan.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.item_list_view, name="item_list"),
    path("<int:pk>/", views.item_detail_view, name="item_detail"),
    path("<int:pk>/<slug:action>/", views.item_action_view, name="item_action"),
]
