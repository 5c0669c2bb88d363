from django.urls import path

from yaoan.draws import views

app_name = "draws"

urlpatterns = [
    path("", views.draw_list_view, name="draw_list"),
    path("new/", views.draw_create_view, name="draw_create"),
    path("<int:pk>/", views.draw_detail_view, name="draw_detail"),
    path("<int:pk>/verify/", views.draw_verify_view, name="draw_verify"),
    path("<int:pk>/redraw/", views.draw_redraw_view, name="draw_redraw"),
    path("inspectors/", views.profile_list_view, name="profile_list"),
    path("inspectors/<int:user_id>/", views.profile_edit_view, name="profile_edit"),
    path("conflicts/", views.conflict_list_view, name="conflict_list"),
    path("conflicts/<int:pk>/remove/", views.conflict_remove_view, name="conflict_remove"),
]
