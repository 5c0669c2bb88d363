"""The discretion pages' routes, added to the cases app's ``urlpatterns`` (namespace
``cases``)."""

from django.urls import path

from yaoan.cases import views_penalty as v

urlpatterns = [
    path("baseline/", v.baseline_view, name="penalty_baseline"),
    path("baseline/violations/new/", v.violation_edit_view, name="violation_new"),
    path("baseline/violations/<int:pk>/", v.violation_edit_view, name="violation_edit"),
    path("baseline/circumstances/new/", v.circumstance_edit_view, name="circumstance_new"),
    path("baseline/circumstances/<int:pk>/", v.circumstance_edit_view, name="circumstance_edit"),
    path("baseline/credit-rules/new/", v.credit_rule_edit_view, name="credit_rule_new"),
    path("baseline/credit-rules/<int:pk>/", v.credit_rule_edit_view, name="credit_rule_edit"),
    path("<int:case_pk>/assessment/", v.assessment_view, name="penalty_assessment"),
    path("<int:case_pk>/persons/new/", v.person_penalty_add_view, name="person_penalty_add"),
    path(
        "<int:case_pk>/persons/<int:pk>/remove/",
        v.person_penalty_remove_view,
        name="person_penalty_remove",
    ),
    path("<int:case_pk>/listing/", v.listing_propose_view, name="listing_propose"),
    path("dishonesty-list/", v.listing_list_view, name="listing_list"),
    path("dishonesty-list/<int:pk>/", v.listing_detail_view, name="listing_detail"),
    path("dishonesty-list/<int:pk>/<str:action>/", v.listing_action_view, name="listing_action"),
]
