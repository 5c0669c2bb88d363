"""Staff pages of 行刑衔接: the district's transfer register (移送案件报告制度; filtered,
capped paging, the .xlsx export of the same rows), proposing a transfer from a case
(the evidence list ticked from the case's evidence), one transfer with the buttons its
workflow allows, its materials, follow-up notes and history, and one form per step.
Every write is transfer_services'."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.cases import followup_services
from yaoan.cases import transfer_services as services
from yaoan.cases.beyond_enums import MaterialKind
from yaoan.cases.beyond_exports import export_register
from yaoan.cases.beyond_forms import (
    CloseTransferForm,
    FollowUpForm,
    HandoverForm,
    NoteForm,
    PoliceAcceptForm,
    PoliceRefuseForm,
    ReasonForm,
    ReconsiderForm,
    RegisterFilterForm,
    SendTransferForm,
    TransferDocumentForm,
    TransferProposalForm,
)
from yaoan.cases.beyond_queries import (
    DENIED,
    TRANSFER_TYPE,
    only_overdue,
    transfer_register,
    transfers_visible_to,
)
from yaoan.cases.beyond_rules import READ_BEYOND, can_approve_transfer, can_handle_case_beyond
from yaoan.cases.beyond_workflow import CRIMINAL_TRANSFER
from yaoan.cases.models import Case, CriminalTransfer
from yaoan.cases.queries import visible_case
from yaoan.common import xlsx
from yaoan.common.forms import add_service_errors
from yaoan.common.paging import EXACT_COUNT_PARAM, capped_page, page_number
from yaoan.core.access import allowed_user, refusal, visible_or_404
from yaoan.core.attachments import attachments_for, read_upload
from yaoan.core.deadlines import deadlines_for
from yaoan.core.enums import AttachmentLimit
from yaoan.core.models import AuditEvent, User
from yaoan.core.step_pages import offered_step, submitted
from yaoan.core.transitions import allowed_actions

PAGE_SIZE = 50
HISTORY_LABELS = {
    "cases.criminaltransfer.proposed": gettext_lazy("提出移送"),
    "cases.criminaltransfer.followed_up": gettext_lazy("跟进记录"),
    "cases.criminaltransfer.document_attached": gettext_lazy("上传文书"),
    **{
        f"{CRIMINAL_TRANSFER.name}.{t.verb or t.action}": t.label
        for t in CRIMINAL_TRANSFER.transitions
    },
}


def visible_transfer(user: User, pk: int) -> CriminalTransfer:
    """A transfer of a case in the user's scope; another unit's answers 404 (audited)."""
    return visible_or_404(
        transfers_visible_to(user).select_related(
            "case", "case__org_unit", "case__entity", "proposed_by", "decided_by"
        ),
        pk,
        user=user,
        action=DENIED,
        object_type=TRANSFER_TYPE,
    )


def filtered_register(request: HttpRequest, user: User) -> tuple[RegisterFilterForm, Any]:
    """The register's rows, scoped and filtered: shared by the page and the export."""
    form = RegisterFilterForm(request.GET)
    rows = transfer_register(user)
    if not form.is_valid():
        return form, rows.none()
    data = form.cleaned_data
    if data["status"]:
        rows = rows.filter(status=data["status"])
    if data["year"]:
        rows = rows.filter(proposed_at__year=data["year"])
    if data["overdue"]:
        rows = only_overdue(rows)
    return form, rows.order_by("-proposed_at", "-id")


def transfer_register_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    form, rows = filtered_register(request, user)
    exact = request.GET.get(EXACT_COUNT_PARAM) == "exact"
    page = capped_page(rows, page_number(request.GET.get("page")), PAGE_SIZE, exact=exact)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(EXACT_COUNT_PARAM, None)
    return render(
        request,
        "cases/transfer/register.html",
        {"form": form, "page_obj": page, "querystring": query.urlencode()},
    )


def transfer_export_view(request: HttpRequest) -> FileResponse:
    user = allowed_user(request, READ_BEYOND)
    form, rows = filtered_register(request, user)
    filters = {key: request.GET.getlist(key) for key in request.GET if key in form.fields}
    handle = export_register(actor=user, transfers=rows, filters=filters)
    return xlsx.xlsx_response(handle, _("涉嫌犯罪案件移送登记表.xlsx"))


def _run_proposal(case: Case, user: User, form: TransferProposalForm) -> CriminalTransfer:
    data = form.cleaned_data
    return services.propose_transfer(
        case,
        actor=user,
        suspected_offence=data["suspected_offence"],
        facts=data["facts"],
        investigation_report=data["investigation_report"],
        evidence_ids=[int(i) for i in data["evidence"]],
        seized_item_ids=[int(i) for i in data["seized_items"]],
        test_reports=data["test_reports"],
        police_unit=data["police_unit"],
        administrative_part=data["administrative_part"],
        materials=[
            services.MaterialInput(MaterialKind.OTHER, title) for title in form.material_titles()
        ],
    )


def transfer_propose_view(request: HttpRequest, case_pk: int) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    case = visible_case(user, case_pk, "org_unit", "entity")
    if not can_handle_case_beyond(user, case):
        raise refusal(request, user, DENIED, _("您无权移送该案件。"))
    form = TransferProposalForm(request.POST or None, case=case)
    made: list[CriminalTransfer] = []

    def propose(data: dict[str, Any]) -> None:
        made.append(_run_proposal(case, user, form))

    if submitted(request, form, propose, done=_("已提出移送，待负责人审批")):
        return redirect(made[0])
    return render(request, "cases/transfer/propose.html", {"form": form, "case": case})


def transfer_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    transfer = visible_transfer(user, pk)
    history = AuditEvent.objects.filter(
        object_type=TRANSFER_TYPE, object_id=str(transfer.pk), action__in=list(HISTORY_LABELS)
    ).order_by("seq")
    return render(
        request,
        "cases/transfer/detail.html",
        {
            "transfer": transfer,
            "case": transfer.case,
            "evidence": transfer.evidence.order_by("collected_on", "id"),
            "seized_items": transfer.seized_items.order_by("seized_on", "id"),
            "materials": transfer.materials.all(),
            "follow_ups": transfer.follow_ups.select_related("recorded_by"),
            "deadlines": deadlines_for(transfer).order_by("id"),
            "documents": attachments_for(transfer).order_by("uploaded_at", "id"),
            "actions": allowed_actions(CRIMINAL_TRANSFER, transfer, user),
            "own_proposal": transfer.proposed_by_id == user.pk
            and can_approve_transfer(user, transfer),
            "may_follow_up": transfer.status in followup_services.FOLLOWED
            and can_handle_case_beyond(user, transfer.case),
            "may_upload": can_handle_case_beyond(user, transfer.case),
            "history": [(e, HISTORY_LABELS.get(e.action, e.action)) for e in history],
        },
    )


Runner = Callable[[CriminalTransfer, User, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    form: type[forms.Form]
    run: Runner


STEPS: dict[str, Step] = {
    "approve": Step(
        NoteForm, lambda t, u, d: services.approve_transfer(t, actor=u, reason=d["reason"])
    ),
    "refuse": Step(
        ReasonForm, lambda t, u, d: services.refuse_transfer(t, actor=u, reason=d["reason"])
    ),
    "transfer": Step(
        SendTransferForm,
        lambda t, u, d: services.send_transfer(
            t, actor=u, transferred_on=d["transferred_on"], receipt_by=d["receipt_by"]
        ),
    ),
    "police_accept": Step(
        PoliceAcceptForm,
        lambda t, u, d: services.record_police_acceptance(
            t, actor=u, decided_on=d["decided_on"], reference=d["reference"]
        ),
    ),
    "police_refuse": Step(
        PoliceRefuseForm,
        lambda t, u, d: services.record_police_refusal(
            t, actor=u, decided_on=d["decided_on"], reference=d["reference"], reason=d["reason"]
        ),
    ),
    "reconsider": Step(
        ReconsiderForm,
        lambda t, u, d: services.request_reconsideration(
            t, actor=u, channel=d["channel"], requested_on=d["requested_on"], reason=d["reason"]
        ),
    ),
    "uphold_refusal": Step(
        ReasonForm, lambda t, u, d: services.uphold_refusal(t, actor=u, reason=d["reason"])
    ),
    "hand_over": Step(
        HandoverForm,
        lambda t, u, d: services.record_handover(
            t, actor=u, handed_over_on=d["handed_over_on"], note=d["note"]
        ),
    ),
    "close": Step(
        CloseTransferForm,
        lambda t, u, d: services.close_transfer(
            t, actor=u, outcome=d["outcome"], reason=d["reason"]
        ),
    ),
}


def transfer_step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    transfer = visible_transfer(user, pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    transition = offered_step(
        request,
        CRIMINAL_TRANSFER,
        transfer,
        action,
        user=user,
        denied_action=DENIED,
        stale=_("该移送当前状态为“%(s)s”，不能办理此步骤"),
        denied=_("您无权办理该移送的此步骤。"),
    )
    if isinstance(transition, HttpResponse):
        return transition
    form = step.form(request.POST if request.method == "POST" else None)
    done = _("已办理：%(a)s") % {"a": transition.label}
    if submitted(request, form, lambda data: step.run(transfer, user, data), done=done):
        return redirect(transfer)
    return render(
        request,
        "cases/transfer/step.html",
        {"form": form, "transfer": transfer, "title": transition.label},
    )


def transfer_follow_up_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_BEYOND)
    transfer = visible_transfer(user, pk)
    if not can_handle_case_beyond(user, transfer.case):
        raise refusal(request, user, DENIED, _("您无权记录该移送的跟进情况。"))
    form = FollowUpForm(request.POST or None)

    def record(data: dict[str, Any]) -> None:
        followup_services.record_follow_up(
            transfer, actor=user, happened_on=data["happened_on"], note=data["note"]
        )

    if submitted(request, form, record, done=_("已记录跟进情况")):
        return redirect(transfer)
    return render(
        request,
        "cases/transfer/step.html",
        {"form": form, "transfer": transfer, "title": _("记录跟进情况")},
    )


def transfer_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a paper of the transfer (回执, 通知书, 交接清单); phone-usable (a photo)."""
    user = allowed_user(request, READ_BEYOND)
    transfer = visible_transfer(user, pk)
    if not can_handle_case_beyond(user, transfer.case):
        raise refusal(request, user, DENIED, _("您无权为该移送上传文书。"))
    form = TransferDocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = read_upload(upload, followup_services.document_policy(upload.name))
            followup_services.attach_transfer_document(
                transfer,
                actor=user,
                content=content,
                name=upload.name,
                label=form.cleaned_data["label"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 413 if _too_large(exc) else 200
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("您无权执行此操作。"))
        else:
            messages.success(request, _("已上传文书"))
            return redirect(transfer)
    return render(
        request,
        "cases/transfer/step.html",
        {"form": form, "transfer": transfer, "title": _("上传移送文书"), "upload": True},
        status=status,
    )


def _too_large(exc: ValidationError) -> bool:
    return any(e.code == AttachmentLimit.TOO_LARGE for e in exc.error_list)
