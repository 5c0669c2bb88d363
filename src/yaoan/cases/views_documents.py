"""The pages of a case's documents: print each document its state allows, 三书同达 with the
decision, the 涉嫌犯罪案件移送书, deliveries (送达回证 printed, then recorded with the signed
receipt), the typical-case choice; and the reports page (the monthly typical-case report
.docx and the case statistics .xlsx). Reads through queries, writes through the
document and report services."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.cases import document_services, report_services, reports
from yaoan.cases import documents as kinds
from yaoan.cases.enums import CaseStatus, EvidenceKind
from yaoan.cases.forms_documents import (
    DeliveryPrepareForm,
    DeliveryRecordForm,
    ReportFilterForm,
    TransferForm,
    TypicalCaseForm,
    WithdrawForm,
)
from yaoan.cases.models import Case, DocumentDelivery, Evidence, TypicalCase
from yaoan.cases.queries import DENIED, cases_visible_to, visible_case
from yaoan.cases.rules import READ_CASES, can_handle_case
from yaoan.cases.views import posted
from yaoan.common import xlsx
from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user, visible_or_404
from yaoan.core.attachments import read_upload
from yaoan.core.documents import services as documents
from yaoan.core.enums import AttachmentPolicy
from yaoan.core.models import OrgUnit, User

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _case_documents(case: Case) -> object:
    return documents.documents_about(case).order_by("kind", "-version")


def case_documents_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk, "org_unit", "entity")
    records = case.evidence.filter(
        kind__in=(EvidenceKind.INQUIRY, EvidenceKind.SITE_RECORD), withdrawn_at__isnull=True
    )
    context = {
        "case": case,
        "printable": kinds.printable(case),
        "decision_set": kinds.offers_decision_set(case),
        "may_handle": can_handle_case(user, case),
        "documents": _case_documents(case),
        "deliveries": case.document_deliveries.select_related("receipt_document"),
        "records": records if case.status == CaseStatus.INVESTIGATING else [],
        "transfer_form": TransferForm()
        if case.status in kinds.PRINTABLE[kinds.CRIMINAL_TRANSFER]
        else None,
        "typical": TypicalCase.objects.filter(case=case).first(),
        "reportable": report_services.is_reportable(case),
    }
    return render(request, "cases/documents/case_documents.html", context)


def _done(request: HttpRequest, case: Case, call: object) -> HttpResponse:
    """Run a print call; the download on success, the refusal on the documents page."""
    try:
        doc = call()  # type: ignore[operator]
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("cases:case_documents", case.pk)
    return redirect("core:document_download", doc.pk)


@require_POST
def case_print_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk, "org_unit", "entity")
    return _done(
        request,
        case,
        lambda: document_services.print_case_document(actor=user, case=case, kind=kind),
    )


@require_POST
def evidence_record_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    evidence = visible_or_404(
        Evidence.objects.filter(case__in=cases_visible_to(user)).select_related("case"),
        pk,
        user=user,
        action=DENIED,
        object_type="cases.evidence",
    )
    return _done(
        request,
        evidence.case,
        lambda: document_services.print_record(actor=user, evidence=evidence),
    )


@require_POST
def decision_set_view(request: HttpRequest, pk: int) -> HttpResponse:
    """三书同达: the decision and its notices printed and put into one delivery."""
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk, "org_unit", "entity")
    try:
        delivery = document_services.issue_decision_set(actor=user, case=case)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("cases:case_documents", case.pk)
    count = delivery.documents.count()
    messages.success(request, _("已生成%(n)d份文书及送达回证，请送达后登记") % {"n": count})
    return redirect("cases:case_documents", case.pk)


@require_POST
def transfer_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk, "org_unit", "entity")
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写接收移送的公安机关和涉嫌罪名"))
        return redirect("cases:case_documents", case.pk)
    return _done(
        request,
        case,
        lambda: document_services.print_criminal_transfer(
            actor=user, case=case, **form.cleaned_data
        ),
    )


def delivery_prepare_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk, "org_unit", "entity")
    offered = documents.documents_about(case).exclude(kind=kinds.DELIVERY_RECEIPT)
    form = DeliveryPrepareForm(posted(request), documents=offered)
    if request.method == "POST" and form.is_valid():
        try:
            document_services.prepare_delivery(
                actor=user, case=case, docs=list(form.cleaned_data["documents"])
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已生成送达回证，请送达后登记"))
            return redirect("cases:case_documents", case.pk)
    return render(request, "cases/documents/delivery_prepare.html", {"case": case, "form": form})


def _visible_delivery(user: User, pk: int) -> DocumentDelivery:
    return visible_or_404(
        DocumentDelivery.objects.filter(case__in=cases_visible_to(user)).select_related("case"),
        pk,
        user=user,
        action=DENIED,
        object_type="cases.documentdelivery",
    )


def _record_delivery(user: User, delivery: DocumentDelivery, form: DeliveryRecordForm) -> None:
    data = form.cleaned_data
    upload = data["receipt"]
    receipt = (read_upload(upload, AttachmentPolicy.DOCUMENT), upload.name) if upload else None
    document_services.record_document_delivery(
        actor=user,
        delivery=delivery,
        method=data["method"],
        delivered_on=data["delivered_on"],
        receiver=data["receiver"],
        note=data["note"],
        receipt=receipt,
    )


def delivery_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    delivery = _visible_delivery(user, pk)
    form = DeliveryRecordForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            _record_delivery(user, delivery, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记送达"))
            return redirect("cases:case_documents", delivery.case_id)
    context = {"delivery": delivery, "case": delivery.case, "form": form}
    return render(request, "cases/documents/delivery_record.html", context)


def typical_case_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Report the case as one of its unit's typical cases of a month (prefilled)."""
    user = allowed_user(request, READ_CASES)
    case = visible_case(user, pk, "org_unit", "entity")
    initial = {
        "overview": report_services.suggested_overview(case),
        "result": report_services.suggested_result(case),
        "month": report_services.first_of_month(timezone.localdate()),
    }
    form = TypicalCaseForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report_services.report_typical_case(actor=user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已报送为典型案例"))
            return redirect("cases:case_documents", case.pk)
    return render(request, "cases/documents/typical_form.html", {"case": case, "form": form})


@require_POST
def typical_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    typical = visible_or_404(
        TypicalCase.objects.filter(case__in=cases_visible_to(user)).select_related("case"),
        pk,
        user=user,
        action=DENIED,
        object_type="cases.typicalcase",
    )
    form = WithdrawForm(request.POST)
    case_pk = typical.case_id
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        report_services.withdraw_typical_case(actor=user, typical=typical, reason=reason)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已撤回典型案例"))
    return redirect("cases:case_documents", case_pk)


# --- reports ---------------------------------------------------------------------------------


def _units(user: User) -> object:
    ids = cases_visible_to(user).values("org_unit")
    return OrgUnit.objects.filter(pk__in=ids).order_by("sort_order", "code")


def _filter(request: HttpRequest, user: User) -> ReportFilterForm:
    return ReportFilterForm(request.GET or None, units=_units(user))  # type: ignore[arg-type]


def _statistics_cases(user: User, form: ReportFilterForm) -> object:
    year = form.chosen_year()
    cases = cases_visible_to(user).filter(created_at__year=year)
    unit = form.chosen_unit()
    return cases.filter(org_unit=unit) if unit else cases


def reports_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    form = _filter(request, user)
    month = form.chosen_month()
    rows = reports.statistics_rows(_statistics_cases(user, form))  # type: ignore[arg-type]
    context = {
        "form": form,
        "month": month,
        "year": form.chosen_year(),
        "typical": reports.typical_cases(user, month, form.chosen_unit()),
        "by_month": reports.totals_by(rows, "month"),
        "by_class": reports.totals_by(rows, "product_class"),
        "by_violation": reports.totals_by(rows, "violation"),
        "by_station": reports.totals_by(rows, "station"),
        "by_outcome": reports.totals_by(rows, "outcome"),
        "query": request.GET.urlencode(),
    }
    return render(request, "cases/documents/reports.html", context)


def typical_report_view(request: HttpRequest) -> HttpResponse:
    user = allowed_user(request, READ_CASES)
    form = _filter(request, user)
    month = form.chosen_month()
    content = reports.typical_case_report(actor=user, month=month, org_unit=form.chosen_unit())
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    name = _("典型案例报送-%(m)s.docx") % {"m": f"{month:%Y-%m}"}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def statistics_export_view(request: HttpRequest) -> FileResponse:
    user = allowed_user(request, READ_CASES)
    form = _filter(request, user)
    unit = form.chosen_unit()
    filters = {"year": form.chosen_year(), "org_unit": unit.name if unit else ""}
    cases = _statistics_cases(user, form)
    handle = reports.export_statistics(actor=user, cases=cases, filters=filters)  # type: ignore[arg-type]
    return xlsx.xlsx_response(handle, _("案件统计-%(y)s.xlsx") % {"y": form.chosen_year()})
