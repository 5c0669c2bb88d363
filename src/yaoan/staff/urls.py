from django.urls import path

from yaoan.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.staff_list_view, name="staff_list"),
    path("<int:user_id>/", views.staff_detail_view, name="staff_detail"),
    path("<int:user_id>/profile/", views.profile_edit_view, name="profile_edit"),
    path(
        "<int:user_id>/qualifications/new/",
        views.qualification_add_view,
        name="qualification_add",
    ),
    path(
        "qualifications/<int:pk>/renew/",
        views.qualification_renew_view,
        name="qualification_renew",
    ),
    path(
        "qualifications/<int:pk>/revoke/",
        views.qualification_revoke_view,
        name="qualification_revoke",
    ),
    path("conflicts/", views.conflict_list_view, name="conflict_list"),
    path("conflicts/<int:pk>/remove/", views.conflict_remove_view, name="conflict_remove"),
]
