from django.urls import path

from yaoan.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list_view, name="complaint_list"),
    path("<int:pk>/", views.complaint_detail_view, name="complaint_detail"),
]
