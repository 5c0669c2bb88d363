"""One page per workflow step of a 投诉举报: the button on the detail page leads here, the
form asks what the step records (legal reason, receiving unit, findings and files,
mediation outcome, reply text, evaluation, clue summary), and the step's service writes it.
Extensions of a time limit are the deadline platform's pages (core:deadline_detail)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.complaints import services
from yaoan.complaints.enums import Evaluation, MediationOutcome, NotAcceptedReason
from yaoan.complaints.forms import (
    ClueForm,
    EvaluationForm,
    MediateForm,
    NotAcceptForm,
    ReasonForm,
    ReplyForm,
    TransferForm,
    VerifyForm,
)
from yaoan.complaints.models import Complaint
from yaoan.complaints.queries import visible_complaint
from yaoan.complaints.rules import READ_COMPLAINT, TRANSFER_UNIT_KINDS
from yaoan.complaints.workflow import COMPLAINT
from yaoan.core.access import allowed_user
from yaoan.core.models import OrgUnit, User
from yaoan.core.step_pages import offered_step, submitted

FormFactory = Callable[[Complaint, Any, Any], forms.Form]
Runner = Callable[[Complaint, User, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    form: FormFactory
    run: Runner
    multipart: bool = False


def _units(complaint: Complaint) -> Any:
    """The units a complaint can go to: every other active unit (stations, sections, the
    member departments of the committee); the service refuses one that is gone meanwhile."""
    units = OrgUnit.objects.filter(is_active=True, kind__in=TRANSFER_UNIT_KINDS)
    return units.exclude(pk=complaint.org_unit_id).order_by("kind", "name")


class NoteForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STEPS: dict[str, Step] = {
    "accept": Step(
        lambda c, data, files: NoteForm(data),
        lambda c, user, d: services.accept_complaint(c, actor=user, note=d.get("reason", "")),
    ),
    "not_accept": Step(
        lambda c, data, files: NotAcceptForm(data, reasons=NotAcceptedReason.choices),
        lambda c, user, d: services.not_accept_complaint(
            c, actor=user, legal_reason=d["legal_reason"], reason=d["reason"]
        ),
    ),
    "transfer": Step(
        lambda c, data, files: TransferForm(data, units=_units(c)),
        lambda c, user, d: services.transfer_complaint(
            c, actor=user, to_unit_id=d["transfer_to"].pk, reason=d["reason"]
        ),
    ),
    "confirm_transfer": Step(
        lambda c, data, files: NoteForm(data),
        lambda c, user, d: services.confirm_transfer(c, actor=user, note=d.get("reason", "")),
    ),
    "refuse_transfer": Step(
        lambda c, data, files: ReasonForm(data),
        lambda c, user, d: services.refuse_transfer(c, actor=user, reason=d["reason"]),
    ),
    "withdraw_transfer": Step(
        lambda c, data, files: ReasonForm(data),
        lambda c, user, d: services.withdraw_transfer(c, actor=user, reason=d["reason"]),
    ),
    "confirm_handover": Step(
        lambda c, data, files: ReasonForm(data),
        lambda c, user, d: services.confirm_handover(c, actor=user, reason=d["reason"]),
    ),
    "verify": Step(
        lambda c, data, files: VerifyForm(data, files),
        lambda c, user, d: services.verify_complaint(
            c,
            actor=user,
            findings=d["findings"],
            violation_found=d["violation_found"],
            files=d.get("attachments") or (),
        ),
        multipart=True,
    ),
    "mediate": Step(
        lambda c, data, files: MediateForm(data, outcomes=MediationOutcome.choices),
        lambda c, user, d: services.mediate_complaint(
            c, actor=user, outcome=d["outcome"], note=d["note"]
        ),
    ),
    "reply": Step(
        lambda c, data, files: ReplyForm(data),
        lambda c, user, d: services.reply_complaint(
            c, actor=user, text=d["text"], channel=d["channel"], replied_at=d.get("replied_at")
        ),
    ),
    "evaluate": Step(
        lambda c, data, files: EvaluationForm(data, choices=Evaluation.choices),
        lambda c, user, d: services.record_evaluation(
            c, actor=user, evaluation=d["evaluation"], comment=d.get("comment", "")
        ),
    ),
    "to_clue": Step(
        lambda c, data, files: ClueForm(data),
        lambda c, user, d: services.send_to_clue(c, actor=user, summary=d["summary"]),
    ),
    "close": Step(
        lambda c, data, files: ReasonForm(data),
        lambda c, user, d: services.close_complaint(c, actor=user, reason=d["reason"]),
    ),
}


def complaint_step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_COMPLAINT)
    complaint = visible_complaint(user, pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    transition = offered_step(
        request,
        COMPLAINT,
        complaint,
        action,
        user=user,
        denied_action=READ_COMPLAINT.action,
        stale=_("该投诉举报当前状态为“%(s)s”，不能再办理此步骤"),
        denied=_("您无权办理该投诉举报的此步骤。"),
    )
    if isinstance(transition, HttpResponse):
        return transition
    posted = request.method == "POST"
    form = step.form(complaint, request.POST if posted else None, request.FILES if posted else None)
    done = _("已办理：%(a)s") % {"a": transition.label}
    if submitted(request, form, lambda data: step.run(complaint, user, data), done=done):
        return redirect(complaint)
    return render(
        request,
        "complaints/complaint_step.html",
        {
            "form": form,
            "complaint": complaint,
            "title": transition.label,
            "multipart": step.multipart,
        },
    )
