from django.urls import path

from yaoan.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.inspection_results_view, name="inspection_results"),
]
