from django.urls import path

from yaoan.core.tabular.views import import_urls
from yaoan.registry import views, views_io
from yaoan.registry.imports import ENTITY_IMPORT

app_name = "registry"

urlpatterns = [
    path("entities/", views.entity_list_view, name="entity_list"),
    path("entities/new/", views.entity_create_view, name="entity_create"),
    path("entities/export.xlsx", views_io.entity_export_view, name="entity_export"),
    *import_urls(ENTITY_IMPORT, "entities/import/"),
    path("entities/<int:pk>/", views.entity_detail_view, name="entity_detail"),
    path("entities/<int:pk>/edit/", views.entity_edit_view, name="entity_edit"),
    path("entities/<int:pk>/delete/", views.entity_delete_view, name="entity_delete"),
    path("entities/<int:pk>/restore/", views.entity_restore_view, name="entity_restore"),
    path("entities/<int:pk>/rating/", views.entity_rating_view, name="entity_rating"),
    path("entities/<int:pk>/licences/new/", views.licence_form_view, name="licence_create"),
    path(
        "entities/<int:pk>/licences/<int:licence_pk>/", views.licence_form_view, name="licence_edit"
    ),
    path("products/", views.product_list_view, name="product_list"),
    path("products/new/", views.product_create_view, name="product_create"),
]
