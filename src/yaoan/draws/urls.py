from django.urls import path
from django.views.generic import RedirectView

from yaoan.draws import views

app_name = "draws"

urlpatterns = [
    path("", views.draw_list_view, name="draw_list"),
    path("new/", views.draw_create_view, name="draw_create"),
    path("<int:pk>/", views.draw_detail_view, name="draw_detail"),
    path("<int:pk>/verify/", views.draw_verify_view, name="draw_verify"),
    path("<int:pk>/redraw/", views.draw_redraw_view, name="draw_redraw"),
    # inspector profiles and conflicts moved to the staff app: old links and bookmarks land there
    path("inspectors/", RedirectView.as_view(pattern_name="staff:staff_list", query_string=True)),
    path("inspectors/<int:user_id>/", RedirectView.as_view(pattern_name="staff:profile_edit")),
    path(
        "conflicts/",
        RedirectView.as_view(pattern_name="staff:conflict_list", query_string=True),
    ),
    path(
        "conflicts/<int:pk>/remove/",
        RedirectView.as_view(pattern_name="staff:conflict_remove"),
    ),
]
