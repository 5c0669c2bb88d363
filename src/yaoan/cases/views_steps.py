"""One page per step of the penalty procedure: the button on the case page leads here, the
form asks what the step records (approval note, report and proposal, opinions, the
notice's delivery, the hearing, the decision, delivery, execution, the reason for ending),
and the step's service writes it — a step out of order is refused with the reason. Beside
the steps: the party's statement, the collective discussion, the clock's suspension and
resumption, and the extension request (decided on the deadline's own page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yaoan.cases import services
from yaoan.cases.forms import (
    CollectiveForm,
    DecideForm,
    DeliveryForm,
    EndForm,
    ExecutionForm,
    ExtensionForm,
    FinishForm,
    HearingForm,
    HearingRequestForm,
    LegalOpinionForm,
    NoteForm,
    NoticeForm,
    OpinionForm,
    ReasonForm,
    ResumeForm,
    SpotDecisionForm,
    StatementForm,
    SuspendForm,
    TransferForm,
)
from yaoan.cases.guards import GUARDS
from yaoan.cases.models import Case
from yaoan.cases.rules import READ_CASES
from yaoan.cases.views import DENIED, posted, side_links, visible_case
from yaoan.cases.workflow import CASE
from yaoan.core.access import allowed_user
from yaoan.core.models import User
from yaoan.core.step_pages import offered_step, submitted

Runner = Callable[[Case, User, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    form: type[forms.Form]
    run: Runner


STEPS: dict[str, Step] = {
    "approve_filing": Step(
        NoteForm, lambda c, u, d: services.approve_filing(c, actor=u, note=d["note"])
    ),
    "refuse_filing": Step(
        EndForm,
        lambda c, u, d: services.refuse_filing(
            c, actor=u, end_reason=d["end_reason"], reason=d["reason"]
        ),
    ),
    "decide_on_spot": Step(
        SpotDecisionForm,
        lambda c, u, d: services.decide_on_spot(
            c, actor=u, summary=d["summary"], fine=d["fine"], delivered_on=d["delivered_on"]
        ),
    ),
    "finish_investigation": Step(
        FinishForm,
        lambda c, u, d: services.finish_investigation(
            c, actor=u, report=d["report"], proposal=d["proposal"]
        ),
    ),
    "review": Step(OpinionForm, lambda c, u, d: services.review(c, actor=u, opinion=d["opinion"])),
    "return_for_investigation": Step(
        ReasonForm,
        lambda c, u, d: services.return_for_investigation(c, actor=u, reason=d["reason"]),
    ),
    "legal_review": Step(
        LegalOpinionForm, lambda c, u, d: services.legal_review(c, actor=u, opinion=d["opinion"])
    ),
    "legal_return": Step(
        ReasonForm, lambda c, u, d: services.legal_return(c, actor=u, reason=d["reason"])
    ),
    "serve_notice": Step(
        NoticeForm,
        lambda c, u, d: services.serve_notice(
            c, actor=u, served_on=d["served_on"], method=d["method"]
        ),
    ),
    "request_hearing": Step(
        HearingRequestForm,
        lambda c, u, d: services.request_hearing(c, actor=u, requested_on=d["requested_on"]),
    ),
    "record_hearing": Step(
        HearingForm,
        lambda c, u, d: services.record_hearing(
            c, actor=u, summary=d["summary"], held_on=d["held_on"]
        ),
    ),
    "decide": Step(
        DecideForm,
        lambda c, u, d: services.decide(
            c,
            actor=u,
            outcome=d["outcome"],
            summary=d["summary"],
            fine_total=d["fine_total"],
            execution_required=d["execution_required"],
        ),
    ),
    "record_delivery": Step(
        DeliveryForm,
        lambda c, u, d: services.record_delivery(
            c, actor=u, delivered_on=d["delivered_on"], method=d["method"], note=d["note"]
        ),
    ),
    "record_execution": Step(
        ExecutionForm,
        lambda c, u, d: services.record_execution(
            c, actor=u, method=d["method"], note=d["note"], executed_on=d["executed_on"]
        ),
    ),
    "close_case": Step(NoteForm, lambda c, u, d: services.close_case(c, actor=u, note=d["note"])),
    "revoke_filing": Step(
        EndForm,
        lambda c, u, d: services.revoke_filing(
            c, actor=u, end_reason=d["end_reason"], reason=d["reason"]
        ),
    ),
    "terminate": Step(
        EndForm,
        lambda c, u, d: services.terminate(
            c, actor=u, end_reason=d["end_reason"], reason=d["reason"]
        ),
    ),
    "transfer_to_authority": Step(
        TransferForm,
        lambda c, u, d: services.transfer_to_authority(c, actor=u, to=d["to"], reason=d["reason"]),
    ),
}

# records beside the steps (offered by views.side_links)
SIDE: dict[str, Step] = {
    "statement": Step(
        StatementForm,
        lambda c, u, d: services.record_statement(
            c, actor=u, statement=d["statement"], waived=d["waived"]
        ),
    ),
    "collective": Step(
        CollectiveForm,
        lambda c, u, d: services.record_collective_discussion(
            c, actor=u, summary=d["summary"], held_on=d["held_on"]
        ),
    ),
    "suspend": Step(
        SuspendForm,
        lambda c, u, d: services.suspend_clock(
            c, actor=u, kind=d["kind"], reason=d["reason"], start=d["start"]
        ),
    ),
    "resume": Step(ResumeForm, lambda c, u, d: services.resume_clock(c, actor=u, end=d["end"])),
    "extension": Step(
        ExtensionForm, lambda c, u, d: services.request_extension(c, actor=u, reason=d["reason"])
    ),
}


def _page(
    request: HttpRequest, case: Case, form: forms.Form, title: Any, *, guard: str = ""
) -> HttpResponse:
    return render(
        request,
        "cases/case_step.html",
        {"case": case, "form": form, "title": title, "guard": guard},
    )


def _run(
    request: HttpRequest, case: Case, user: User, step: Step, done: Any
) -> HttpResponse | forms.Form:
    """The form; on a valid post the service, its refusal on the form, else back to the
    case with the message."""
    form = step.form(posted(request))
    done_message = _("已办理：%(a)s") % {"a": done}
    if submitted(request, form, lambda data: step.run(case, user, data), done=done_message):
        return redirect(case)
    return form


def case_step_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    transition = offered_step(
        request,
        CASE,
        case,
        action,
        user=user,
        denied_action=DENIED,
        stale=_("该案件当前状态为“%(s)s”，不能办理此步骤"),
        denied=_("您无权办理“%(a)s”。"),
    )
    if isinstance(transition, HttpResponse):
        return transition
    outcome = _run(request, case, user, step, transition.label)
    if isinstance(outcome, HttpResponse):
        return outcome
    # a guard that would refuse is said before the form is filled in (e.g. the period)
    guard = next((r for name in transition.guards if (r := GUARDS[name](case)) is not None), "")
    return _page(request, case, outcome, transition.label, guard=guard)


def case_side_view(request: HttpRequest, pk: int, record: str) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk)
    step = SIDE.get(record)
    if step is None:
        raise Http404
    offered = dict(side_links(case, user))
    if record not in offered:
        messages.error(request, _("该案件当前不能办理此事项"))
        return redirect(case)
    outcome = _run(request, case, user, step, offered[record])
    if isinstance(outcome, HttpResponse):
        return outcome
    return _page(request, case, outcome, offered[record])
