"""Evidence and seized goods of a case, taken on site from a phone: one item of the
evidence list with its file (a photo straight from the camera; the type is checked by its
content and its size capped, SM3 digest on storage — core.attachments), an item withdrawn
with its reason, goods sealed or seized with where they are kept, and their disposal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yaoan.cases import evidence_services
from yaoan.cases.forms import DisposalForm, EvidenceForm, SeizedItemForm, WithdrawEvidenceForm
from yaoan.cases.models import Case
from yaoan.cases.rules import READ_CASES, can_handle_case
from yaoan.cases.views import DENIED, posted, visible_case
from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user, refusal
from yaoan.core.attachments import read_upload
from yaoan.core.models import User


def _handled_case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk)
    if not can_handle_case(user, case):
        raise refusal(request, user, DENIED, _("只有本案执法人员或负责人可以登记证据和涉案物品"))
    return user, case


def _page(
    request: HttpRequest, case: Case, form: forms.Form, title: str, multipart: bool = False
) -> HttpResponse:
    return render(
        request,
        "cases/case_step.html",
        {"case": case, "form": form, "title": title, "multipart": multipart},
    )


def _saved(request: HttpRequest, form: forms.Form, write: Any, done: str) -> bool:
    try:
        write()
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("您无权执行此操作。"))
    else:
        messages.success(request, done)
        return True
    return False


def _file(upload: Any, kind: str) -> evidence_services.EvidenceFile | None:
    """The upload read under its policy's size cap (too large: refused before reading)."""
    if not upload:
        return None
    policy = evidence_services.evidence_policy(kind, upload.name or "")
    return evidence_services.EvidenceFile(
        name=upload.name or "", content=read_upload(upload, policy)
    )


def evidence_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _handled_case(request, pk)
    form = EvidenceForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def write() -> Any:
            return evidence_services.record_evidence(
                case,
                actor=user,
                kind=d["kind"],
                title=d["title"],
                collected_on=d["collected_on"],
                description=d["description"],
                place=d["place"],
                file=_file(d["file"], d["kind"]),
            )

        if _saved(request, form, write, _("已登记证据：%(t)s") % {"t": d["title"]}):
            if "again" in request.POST:  # on site: the next photo at once
                return redirect("cases:evidence_add", case.pk)
            return redirect(f"{case.get_absolute_url()}#evidence")
    return _page(request, case, form, _("登记证据"), multipart=True)


def evidence_withdraw_view(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    user, case = _handled_case(request, pk)
    evidence = case.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    form = WithdrawEvidenceForm(posted(request))
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]

        def write() -> Any:
            return evidence_services.withdraw_evidence(evidence, actor=user, reason=reason)

        if _saved(request, form, write, _("已撤回证据：%(t)s") % {"t": evidence.title}):
            return redirect(f"{case.get_absolute_url()}#evidence")
    return _page(request, case, form, _("撤回证据：%(t)s") % {"t": evidence.title})


def seized_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _handled_case(request, pk)
    form = SeizedItemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def write() -> Any:
            return evidence_services.record_seized_item(case, actor=user, **d)

        if _saved(request, form, write, _("已登记查封扣押物品：%(n)s") % {"n": d["name"]}):
            return redirect(f"{case.get_absolute_url()}#seized")
    return _page(request, case, form, _("登记查封扣押物品"))


def seized_dispose_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    user, case = _handled_case(request, pk)
    item = case.seized_items.filter(pk=item_pk).first()
    if item is None:
        raise Http404
    form = DisposalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def write() -> Any:
            return evidence_services.dispose_seized_item(
                item,
                actor=user,
                disposal=d["disposal"],
                note=d["note"],
                disposed_on=d["disposed_on"],
            )

        if _saved(request, form, write, _("已登记处置：%(n)s") % {"n": item.name}):
            return redirect(f"{case.get_absolute_url()}#seized")
    return _page(request, case, form, _("处置涉案物品：%(n)s") % {"n": item.name})
