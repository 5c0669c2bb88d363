"""The discretion pages: the baseline (violation types, circumstances, credit rules) and
its admin, a case's assessment (tick circumstances → suggestion → proposal with reason)
with the penalties on responsible people, and the 严重失信主体名单 with the banned people
found in other businesses. Views only read and call services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yaoan.cases import baseline_services, discretion, listing_services, penalty_services
from yaoan.cases.models import Case, Circumstance, CreditRule, DishonestyListing, Penalty, Violation
from yaoan.cases.penalty_enums import Band, PenaltyKind, PenaltyTarget
from yaoan.cases.penalty_forms import (
    AssessmentForm,
    CircumstanceForm,
    CreditRuleForm,
    ListingFilterForm,
    ListingProposeForm,
    PersonPenaltyForm,
    ReasonForm,
    ViolationForm,
)
from yaoan.cases.penalty_queries import (
    active_violations,
    ban_flags,
    bans_in_force,
    circumstances_for,
    listings_visible_to,
    penalties_of,
)
from yaoan.cases.penalty_rules import (
    EDIT_BASELINE,
    READ_BASELINE,
    READ_LISTINGS,
    can_assess_case,
    can_edit_baseline,
    can_propose_listing,
)
from yaoan.cases.penalty_workflow import LISTING
from yaoan.cases.queries import cases_visible_to
from yaoan.cases.rules import READ_CASES
from yaoan.common.forms import add_service_errors
from yaoan.common.paging import capped_page, page_number
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.models import User
from yaoan.core.step_pages import offered_step, submitted
from yaoan.core.transitions import allowed_actions
from yaoan.registry.models import Licence

DENIED = "cases.access.denied"
PAGE_SIZE = 50


def _case(user: User, pk: int) -> Case:
    return visible_or_404(
        cases_visible_to(user).select_related("entity", "org_unit"),
        pk,
        user=user,
        action=DENIED,
        object_type="cases.case",
    )


def baseline_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_BASELINE)
    return render(
        request,
        "cases/penalty/baseline.html",
        {
            "violations": Violation.objects.order_by("product_class", "code"),
            "circumstances": Circumstance.objects.order_by("product_class", "effect", "code"),
            "credit_rules": CreditRule.objects.order_by("id"),
            "may_edit": can_edit_baseline(user),
        },
    )


def _edit_page(
    request: HttpRequest,
    form_class: type[forms.Form],
    model: type[Any],
    pk: int | None,
    save: Callable[..., Any],
    keyword: str,
    title: str,
) -> HttpResponse:
    user = allowed_user(request, EDIT_BASELINE)
    row = get_object_or_404(model, pk=pk) if pk else None
    initial = {f: getattr(row, f) for f in form_class.base_fields} if row else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=user, data=form.cleaned_data, **{keyword: row})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("cases:penalty_baseline")
    return render(
        request,
        "cases/penalty/form.html",
        {"form": form, "title": title, "back": reverse("cases:penalty_baseline")},
    )


def violation_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit_page(
        request, ViolationForm, Violation, pk, baseline_services.save_violation, "violation",
        _("裁量基准：违法行为"),
    )  # fmt: skip


def circumstance_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit_page(
        request, CircumstanceForm, Circumstance, pk, baseline_services.save_circumstance,
        "circumstance", _("裁量情节"),
    )  # fmt: skip


def credit_rule_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit_page(
        request, CreditRuleForm, CreditRule, pk, baseline_services.save_credit_rule, "rule",
        _("信用调整规则"),
    )  # fmt: skip


def _assessment_form(case: Case, data: Any) -> AssessmentForm:
    assessment = getattr(case, "assessment", None)
    violations = active_violations().filter(product_class=case.product_class)
    chosen = assessment.violation if assessment else None
    picked = data.get("violation") if data else None
    if picked and str(picked).isdigit():
        chosen = violations.filter(pk=int(picked)).first() or chosen
    circumstances = (
        circumstances_for(chosen)
        if chosen
        else Circumstance.objects.filter(is_active=True, product_class__in=("", case.product_class))
    )
    licences = (
        Licence.objects.filter(entity_id=case.entity_id)
        if case.entity_id
        else Licence.objects.none()
    )
    initial = None
    if assessment is not None:
        unit = {p.kind: p for p in penalties_of(case.pk).filter(target=PenaltyTarget.UNIT)}
        initial = {
            "violation": assessment.violation_id,
            "goods_value": assessment.goods_value,
            "illegal_income": assessment.illegal_income,
            "circumstances": list(assessment.circumstances.values_list("pk", flat=True)),
            "kinds": list(unit),
            "fine": getattr(unit.get(PenaltyKind.FINE), "amount", None),
            "confiscated_income": getattr(unit.get(PenaltyKind.CONFISCATE_INCOME), "amount", None),
            "confiscated_goods": getattr(unit.get(PenaltyKind.CONFISCATE_GOODS), "goods", ""),
            "suspension_months": getattr(
                unit.get(PenaltyKind.LICENCE_SUSPENSION), "term_months", None
            ),
            "departure_reason": assessment.departure_reason,
        }
    return AssessmentForm(
        data, initial=initial, violations=violations, circumstances=circumstances, licences=licences
    )


def shown(suggestion: discretion.Suggestion | None) -> dict[str, Any] | None:
    """A suggestion with the labels its template shows."""
    if suggestion is None:
        return None
    return {
        "s": suggestion,
        "band_label": Band(suggestion.band).label,
        "kind_labels": [PenaltyKind(k).label for k in suggestion.kinds],
    }


def _preview(form: AssessmentForm) -> Any:
    """The suggestion for the ticked circumstances, shown before the proposal is saved."""
    d = form.cleaned_data
    try:
        return penalty_services.suggestion_for(
            d["violation"],
            [c.effect for c in d["circumstances"]],
            goods_value=d["goods_value"],
            illegal_income=d["illegal_income"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _save_assessment(case: Case, user: User, form: AssessmentForm) -> bool:
    d = form.cleaned_data
    try:
        penalty_services.assess_case(
            case,
            actor=user,
            violation=d["violation"],
            circumstance_ids=[c.pk for c in d["circumstances"]],
            goods_value=d["goods_value"],
            illegal_income=d["illegal_income"],
            proposal=penalty_services.Proposal(
                kinds=tuple(d["kinds"]),
                fine=d["fine"],
                confiscated_income=d["confiscated_income"],
                confiscated_goods=d["confiscated_goods"],
                suspension_months=d["suspension_months"],
                licence=d["licence"],
                reason=d["departure_reason"],
            ),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    return True


def assessment_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    """GET: the case's assessment and its penalties. POST ``suggest``: the suggestion for
    the ticked circumstances, the proposal prefilled with it; POST ``save``: the proposal."""
    user = allowed_user(request, READ_CASES)
    case = _case(user, case_pk)
    may_assess = can_assess_case(user, case) and case.decided_at is None
    if request.method == "POST" and not may_assess:
        raise refusal(request, user, DENIED, _("您无权对该案件进行处罚裁量。"))
    form = _assessment_form(case, request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        preview = _preview(form)
        if "save" in request.POST and preview is not None and _save_assessment(case, user, form):
            messages.success(request, _("已保存处罚裁量"))
            return redirect("cases:penalty_assessment", case_pk=case.pk)
        if "suggest" in request.POST and preview is not None:
            form = _prefilled(form, request.POST.copy(), preview)
    assessment = getattr(case, "assessment", None)
    return render(
        request,
        "cases/penalty/assessment.html",
        {
            "case": case,
            "form": form,
            "preview": shown(preview),
            "stored": shown(penalty_services.stored_suggestion(assessment)) if assessment else None,
            "assessment": assessment,
            "ticked": list(assessment.circumstances.all()) if assessment else [],
            "penalties": list(penalties_of(case.pk)),
            "may_assess": may_assess,
            "may_propose_listing": case.decided_at is not None
            and case.entity_id is not None
            and can_propose_listing(
                user, DishonestyListing(case=case, org_unit_id=case.org_unit_id)
            ),
        },
    )


def _prefilled(form: AssessmentForm, data: QueryDict, suggestion: Any) -> AssessmentForm:
    """The same form, its proposal filled with the suggestion where the officer left it empty."""
    if not data.getlist("kinds"):
        data.setlist("kinds", list(suggestion.kinds))
    if not data.get("fine") and suggestion.fine is not None:
        data["fine"] = str(suggestion.fine)
    return AssessmentForm(
        data,
        violations=form.fields["violation"].queryset,  # type: ignore[attr-defined]
        circumstances=form.fields["circumstances"].queryset,  # type: ignore[attr-defined]
        licences=form.fields["licence"].queryset,  # type: ignore[attr-defined]
    )


def person_penalty_add_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = _case(user, case_pk)
    if not can_assess_case(user, case):
        raise refusal(request, user, DENIED, _("您无权对该案件进行处罚裁量。"))
    form = PersonPenaltyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            penalty_services.add_person_penalty(
                case,
                actor=user,
                kind=d["kind"],
                name=d["name"],
                id_number=d["id_number"],
                role=d["role"],
                amount=d["amount"],
                term_months=d["term_months"],
                for_life=d["for_life"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记处罚到人"))
            return redirect("cases:penalty_assessment", case_pk=case.pk)
    back = reverse("cases:penalty_assessment", kwargs={"case_pk": case.pk})
    return render(
        request,
        "cases/penalty/form.html",
        {"form": form, "title": _("处罚到人"), "case": case, "back": back},
    )


def person_penalty_remove_view(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = _case(user, case_pk)
    penalty = get_object_or_404(Penalty, pk=pk, case=case, target=PenaltyTarget.PERSON)
    if not can_assess_case(user, case):
        raise refusal(request, user, DENIED, _("您无权对该案件进行处罚裁量。"))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            penalty_services.remove_person_penalty(
                penalty, actor=user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已撤回"))
            return redirect("cases:penalty_assessment", case_pk=case.pk)
    back = reverse("cases:penalty_assessment", kwargs={"case_pk": case.pk})
    return render(
        request,
        "cases/penalty/form.html",
        {"form": form, "title": _("撤回处罚到人"), "case": case, "back": back},
    )


def listing_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_LISTINGS)
    form = ListingFilterForm(request.GET)
    qs = listings_visible_to(user)
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if q := form.cleaned_data["q"].strip():
            qs = qs.filter(Q(entity__name__icontains=q) | Q(case__number__icontains=q))
    page = capped_page(
        qs.order_by("-proposed_at", "-id"), page_number(request.GET.get("page")), PAGE_SIZE
    )
    # the bans of the cases the user sees; the businesses they are found in, district-wide
    visible_cases = cases_visible_to(user).values("pk")
    bans = bans_in_force().filter(case__in=visible_cases).select_related("case")
    return render(
        request,
        "cases/penalty/listing_list.html",
        {"form": form, "page_obj": page, "flags": ban_flags(bans), "bans": list(bans)},
    )


def _listing(user: User, pk: int) -> DishonestyListing:
    return visible_or_404(
        listings_visible_to(user),
        pk,
        user=user,
        action=DENIED,
        object_type="cases.dishonestylisting",
    )


def listing_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_LISTINGS)
    listing = _listing(user, pk)
    return render(
        request,
        "cases/penalty/listing_detail.html",
        {"listing": listing, "actions": allowed_actions(LISTING, listing, user)},
    )


def listing_propose_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = _case(user, case_pk)
    form = ListingProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_services.propose_listing(
                case,
                actor=user,
                grounds=form.cleaned_data["grounds"],
                basis=form.cleaned_data["basis"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            raise refusal(request, user, DENIED, str(exc)) from exc
        else:
            messages.success(request, _("已提出列入严重失信主体名单"))
            return redirect("cases:listing_detail", pk=listing.pk)
    back = reverse("cases:penalty_assessment", kwargs={"case_pk": case.pk})
    return render(
        request,
        "cases/penalty/form.html",
        {"form": form, "title": _("提出列入严重失信主体名单"), "case": case, "back": back},
    )


LISTING_STEPS: dict[str, Callable[..., Any]] = {
    "approve": listing_services.approve_listing,
    "refuse": listing_services.refuse_listing,
    "repair": listing_services.repair_listing,
}


def listing_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_LISTINGS)
    listing = _listing(user, pk)
    if action not in LISTING_STEPS:
        raise Http404
    back = reverse("cases:listing_detail", kwargs={"pk": listing.pk})
    transition = offered_step(
        request,
        LISTING,
        listing,
        action,
        user=user,
        denied_action=DENIED,
        stale=_("当前状态为“%(s)s”，不能再执行此操作"),
        denied=_("您无权执行“%(a)s”。"),
        back=back,
    )
    if isinstance(transition, HttpResponse):
        return transition
    form = ReasonForm(request.POST or None)
    form.fields["reason"].required = transition.reason_required

    def run(data: dict[str, Any]) -> None:
        LISTING_STEPS[action](listing, actor=user, reason=data["reason"])

    if submitted(request, form, run, done=_("已处理")):
        return redirect(back)
    return render(
        request, "cases/penalty/form.html", {"form": form, "title": transition.label, "back": back}
    )
