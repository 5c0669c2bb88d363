from django.urls import path

from yaoan.portal import views, views_penalties

app_name = "portal"

urlpatterns = [
    path("inspections/", views.inspection_results_view, name="inspection_results"),
    path("complaints/", views.complaint_submit_view, name="complaint_submit"),
    path("complaints/challenge/", views.challenge_view, name="complaint_challenge"),
    path("complaints/receipt/", views.complaint_receipt_view, name="complaint_receipt"),
    path("complaints/lookup/", views.complaint_lookup_view, name="complaint_lookup"),
    path("penalties/", views_penalties.penalty_list_view, name="penalty_list"),
    path("penalties/<int:pk>/", views_penalties.penalty_detail_view, name="penalty_detail"),
]
