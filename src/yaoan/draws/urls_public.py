from django.urls import path

from yaoan.draws import views_public

app_name = "draws_public"

urlpatterns = [
    path("", views_public.public_draw_list_view, name="list"),
    path("<int:pk>/", views_public.public_draw_detail_view, name="detail"),
    path("<int:pk>/draw.json", views_public.public_draw_document_view, name="document"),
]
