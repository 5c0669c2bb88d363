"""Routes of penalty publication and 案卷评查, appended to the cases app's urls (one line
there) so the procedure's routes and these are edited apart. None is ``<case id>/<word>/``:
that shape is the step pages' (``<id>/review/`` is 案件审核)."""

from django.urls import path

from yaoan.cases import views_publication, views_review

urlpatterns = [
    path("publication/", views_publication.publication_list_view, name="publication_list"),
    path(
        "publication/case/<int:case_pk>/prepare/",
        views_publication.publication_prepare_view,
        name="publication_prepare",
    ),
    path(
        "publication/<int:pk>/",
        views_publication.publication_detail_view,
        name="publication_detail",
    ),
    path(
        "publication/<int:pk>/exempt/",
        views_publication.publication_exempt_view,
        name="publication_exempt",
    ),
    path(
        "publication/<int:pk>/withdraw/",
        views_publication.publication_withdraw_view,
        name="publication_withdraw",
    ),
    path("reviews/", views_review.review_list_view, name="review_list"),
    path("reviews/<int:pk>/", views_review.review_detail_view, name="review_detail"),
    path("reviews/lookback/", views_review.lookback_start_view, name="review_lookback"),
    path("reviews/rounds/<int:pk>/", views_review.review_round_view, name="review_round"),
    path(
        "reviews/rounds/<int:pk>/export/",
        views_review.review_round_export_view,
        name="review_round_export",
    ),
    path(
        "reviews/case/<int:case_pk>/assign/",
        views_review.review_assign_view,
        name="review_assign",
    ),
]
