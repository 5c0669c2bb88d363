"""The staff pages of enforcement cases (/cases/): the parts' own pages first (their paths
under a case, such as ``<id>/transfer/`` or ``<id>/documents/``, must win over the step
pages' ``<id>/<action>/``), then the list, the clue inbox, one case, its evidence and
seized items, and its steps."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from yaoan.cases import urls_documents, urls_oversight, views, views_evidence, views_steps
from yaoan.cases.urls_penalty import urlpatterns as penalty_urls

app_name = "cases"

urlpatterns: list[URLPattern | URLResolver] = [
    # the discretion baseline, assessment, penalties, dishonesty list (urls_penalty.py)
    *penalty_urls,
    # 行刑衔接, 挂牌督办, 提级办理 (urls_beyond.py)
    path("", include("yaoan.cases.urls_beyond")),
]
# the documents, deliveries and reports (casedocs)
urlpatterns += urls_documents.urlpatterns
# publication and 案卷评查 (casepub), under /cases/publication/ and /cases/reviews/
urlpatterns += urls_oversight.urlpatterns
# the procedure's staff pages (caseui); the step pages' catch-all comes last
urlpatterns += [
    path("", views.case_list_view, name="case_list"),
    path("new/", views.case_open_view, name="case_open"),
    path("clues/", views.clue_inbox_view, name="clue_inbox"),
    path("clues/<int:clue_pk>/open/", views.open_from_clue_view, name="open_from_clue"),
    path("<int:pk>/", views.case_detail_view, name="case_detail"),
    path("<int:pk>/evidence/new/", views_evidence.evidence_add_view, name="evidence_add"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/withdraw/",
        views_evidence.evidence_withdraw_view,
        name="evidence_withdraw",
    ),
    path("<int:pk>/seized/new/", views_evidence.seized_add_view, name="seized_add"),
    path(
        "<int:pk>/seized/<int:item_pk>/dispose/",
        views_evidence.seized_dispose_view,
        name="seized_dispose",
    ),
    path("<int:pk>/record/<slug:record>/", views_steps.case_side_view, name="case_record"),
    path("<int:pk>/<slug:action>/", views_steps.case_step_view, name="case_action"),
]
