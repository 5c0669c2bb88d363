"""Staff pages of 投诉举报: the list (filtered by state, kind, channel, station, overdue),
staff entry for phone, letter, e-mail and visits, and one complaint with the buttons the
workflow allows the reader. Each step's form is views_steps'; the export, the business
suggestions and the overdue summary are views_io's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yaoan.common.errors import INVALID, invalid
from yaoan.common.forms import add_service_errors
from yaoan.common.paging import EXACT_COUNT_PARAM, capped_page, page_number
from yaoan.complaints import documents, services
from yaoan.complaints.filtersets import ComplaintFilterSet
from yaoan.complaints.forms import ComplaintEntryForm, EntityMatchForm
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import complaints_visible_to, visible_complaint, with_next_due
from yaoan.complaints.rules import CREATE_COMPLAINT, GUARDS, READ_COMPLAINT, can_handle_complaint
from yaoan.complaints.views_rewards import reward_section
from yaoan.complaints.workflow import COMPLAINT
from yaoan.core.access import allowed_user
from yaoan.core.attachments import attachments_for, may_see_attachment
from yaoan.core.deadlines import deadlines_for
from yaoan.core.models import AuditEvent, User
from yaoan.core.rules import can_manage_deadline
from yaoan.core.transitions import allowed_actions
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_matching, entities_visible_to

PAGE_SIZE = 50
SUGGESTIONS = 8
MIN_TERM = 2
OBJECT_TYPE = "complaints.complaint"
HISTORY_LABELS = {
    "complaints.complaint.received": gettext_lazy("登记"),
    "complaints.complaint.entity_matched": gettext_lazy("匹配监管对象"),
    **{f"{COMPLAINT.name}.{t.verb or t.action}": t.label for t in COMPLAINT.transitions},
}


def filtered_complaints(request: HttpRequest, user: User) -> tuple[ComplaintFilterSet, Any]:
    """The list's rows, scoped and filtered: shared by the page and the export."""
    qs = with_next_due(complaints_visible_to(user)).select_related("entity", "org_unit")
    filterset = ComplaintFilterSet(request.GET, queryset=qs, request=request, user=user)
    rows = filterset.qs if filterset.is_valid() else qs.none()
    return filterset, rows.order_by("-received_at", "-id")


def complaint_list_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    filterset, rows = filtered_complaints(request, user)
    exact = request.GET.get(EXACT_COUNT_PARAM) == "exact"
    page = capped_page(rows, page_number(request.GET.get("page")), PAGE_SIZE, exact=exact)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(EXACT_COUNT_PARAM, None)
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "querystring": query.urlencode(),
            "may_create": CREATE_COMPLAINT.allowed(user),
        },
    )


def _entity_in_scope(user: User, pk: int | None) -> Entity | None:
    """The business the user picked from the suggestions; one outside their scope (or a
    made-up id) is refused on the field, never guessed."""
    if not pk:
        return None
    entity = entities_visible_to(user).filter(pk=pk).first()
    if entity is None:
        raise invalid(INVALID, _("所选监管对象不存在或不在您的管辖范围内。"), field="entity")
    return entity


def suggestions(user: User, term: str) -> dict[str, Any]:
    """Registry entities in the user's scope for a name, credit code or pinyin initials
    (registry.queries.entities_matching), for the suggestions partial."""
    term = term.strip()[:60]
    entities: list[Entity] = []
    if len(term) >= MIN_TERM:
        entities = list(
            entities_matching(entities_visible_to(user), term)
            .select_related("subdistrict")
            .order_by("name", "id")[:SUGGESTIONS]
        )
    return {"entities": entities, "term": term, "short": 0 < len(term) < MIN_TERM}


def complaint_create_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, CREATE_COMPLAINT)
    form = ComplaintEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("attachments")
        try:
            data["entity"] = _entity_in_scope(user, data.get("entity"))
            complaint = services.receive_complaint(
                actor=user, data=services.ComplaintInput(**data), files=files
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已登记，受理编号 %(n)s") % {"n": complaint.number})
            return redirect(complaint)
    return render(request, "complaints/complaint_form.html", {"form": form})


def complaint_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    attachments = [a for a in attachments_for(complaint) if may_see_attachment(user, a)]
    history = AuditEvent.objects.filter(object_type=OBJECT_TYPE, object_id=str(complaint.pk))
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "attachments": attachments,
            "deadlines": [
                (d, can_manage_deadline(user, d))
                for d in deadlines_for(complaint).select_related("rule").order_by("id")
            ],
            "history": [
                (e, HISTORY_LABELS.get(e.action, e.action)) for e in history.order_by("seq")
            ],
            "actions": allowed_actions(COMPLAINT, complaint, user, guards=GUARDS),
            "may_match": can_handle_complaint(user, complaint),
            "printable": printable(complaint),
            **reward_section(user, complaint),
        },
    )


def complaint_match_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Match the business to the registry (or undo a match: "keep unmatched")."""
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    form = EntityMatchForm(request.POST or None, initial={"entity": complaint.entity_id})
    if request.method == "POST" and form.is_valid():
        try:
            entity = _entity_in_scope(user, form.cleaned_data["entity"])
            services.match_entity(complaint, actor=user, entity=entity)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已保存监管对象匹配"))
            return redirect(complaint)
    term = request.GET.get("q", complaint.subject_name)
    return render(
        request,
        "complaints/complaint_match.html",
        {"form": form, "complaint": complaint, "q": term[:60], **suggestions(user, term)},
    )


# the documents offered on the page, with the button's name
PRINT_LABELS = {
    documents.ACCEPTANCE_NOTICE: gettext_lazy("受理告知书"),
    documents.NON_ACCEPTANCE_NOTICE: gettext_lazy("不予受理告知书"),
    documents.VERIFICATION_NOTICE: gettext_lazy("核查通知书（致被投诉举报单位）"),
    documents.REPLY_LETTER: gettext_lazy("答复函"),
}


def printable(complaint: Complaint) -> list[tuple[str, Any]]:
    return [
        (kind, label)
        for kind, label in PRINT_LABELS.items()
        if complaint.status in documents.PRINTABLE[kind]
    ]


@require_POST
def complaint_print_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Print (or fetch the stored) document and download it; a refusal is said on the page."""
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    try:
        doc = documents.print_document(actor=user, complaint=complaint, kind=kind)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(complaint)
    return redirect("core:document_download", doc.pk)
