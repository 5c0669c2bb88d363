"""The checklist on a phone: the record page (autosaved, offline-tolerant), its autosave
answered as JSON, photos, and the submission with a second inspector's confirmation
(scoped as in ``views``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common.forms import add_service_errors
from yaoan.core.access import allowed_user
from yaoan.core.attachments import read_upload, upload_limit
from yaoan.core.enums import AttachmentLimit
from yaoan.core.models import User
from yaoan.inspections import photos, services
from yaoan.inspections.enums import InspectionStatus
from yaoan.inspections.forms import PhotoForm, RecordForm, SubmitForm
from yaoan.inspections.models import Inspection
from yaoan.inspections.rules import READ_INSPECTIONS
from yaoan.inspections.views import _message_of, visible_inspection


def _record_forms(
    request: HttpRequest, inspection: Inspection
) -> tuple[RecordForm, SubmitForm, PhotoForm]:
    records = {r.item_id: r for r in inspection.records.all()}
    data = request.POST if request.method == "POST" else None
    team = User.objects.filter(pk__in=inspection.team.values("inspector_id"))
    return (
        RecordForm(data, inspection=inspection, records=records),
        SubmitForm(data, team=team.exclude(pk=request.user.pk or 0)),
        PhotoForm(checklist=inspection.checklist),
    )


def _save_from(form: RecordForm, user: User, inspection: Inspection, posted: Any) -> Inspection:
    """Save what was posted. The autosave posts only the fields changed on this phone, so
    two inspectors filling in parts of one checklist do not overwrite each other."""
    data = form.cleaned_data
    location = services.parse_location(data["lat"], data["lon"], data["acc"])
    return services.save_draft(
        actor=user,
        inspection=inspection,
        records=form.records(),
        summary=data["summary"] if "summary" in posted else None,
        location=location,
    )


def inspection_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = visible_inspection(user, pk)
    if inspection.status == InspectionStatus.SUBMITTED:
        return redirect(inspection)
    form, submit_form, photo_form = _record_forms(request, inspection)
    if request.method == "POST" and form.is_valid() and submit_form.is_valid():
        try:
            inspection = _save_from(form, user, inspection, request.POST)
            if "submit" in request.POST:
                services.submit_inspection(
                    actor=user,
                    inspection=inspection,
                    co_inspector=submit_form.cleaned_data["co_inspector"],
                    co_code=submit_form.cleaned_data["co_code"],
                )
                messages.success(request, _("检查记录已提交"))
                return redirect(inspection)
            messages.success(request, _("已保存"))
            return redirect("inspections:inspection_record", pk=inspection.pk)
        except ValidationError as exc:
            add_service_errors(submit_form if "submit" in request.POST else form, exc)
        except PermissionDenied as exc:
            form.add_error(None, _message_of(exc))
    inspection.refresh_from_db()
    return render(
        request,
        "inspections/inspection_record.html",
        {
            "inspection": inspection,
            "form": form,
            "submit_form": submit_form,
            "photo_form": photo_form,
            "photos": list(photos.photos_of(inspection)),
            "missing": len(services.missing_items(inspection)),
        },
    )


@require_POST
def inspection_draft_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's autosave: the same fields as the form, answered as JSON."""
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = visible_inspection(user, pk)
    form, _submit, _photo = _record_forms(request, inspection)
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": _("填写内容无效")}, status=422)
    try:
        inspection = _save_from(form, user, inspection, request.POST)
    except (ValidationError, PermissionDenied) as exc:
        return JsonResponse({"ok": False, "error": _message_of(exc)}, status=409)
    return JsonResponse(
        {
            "ok": True,
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
            "missing": len(services.missing_items(inspection)),
        }
    )


def _megabytes(policy: str) -> int:
    return upload_limit(policy) // (1024 * 1024)


@require_POST
def inspection_photo_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = allowed_user(request, READ_INSPECTIONS)
    inspection = visible_inspection(user, pk)
    form = PhotoForm(request.POST, request.FILES, checklist=inspection.checklist)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的照片"))
        return redirect("inspections:inspection_record", pk=pk)
    upload = form.cleaned_data["photo"]
    item_id = form.cleaned_data["item"]
    try:
        photos.add_photo(
            actor=user,
            inspection=inspection,
            content=read_upload(upload, photos.PHOTO_POLICY),  # size checked before reading
            name=upload.name,
            item=inspection.checklist.items.filter(pk=item_id).first() if item_id else None,
            caption=form.cleaned_data["caption"],
        )
    except ValidationError as exc:
        if exc.code == AttachmentLimit.TOO_LARGE:  # S22
            return render(
                request,
                "inspections/upload_refused.html",
                {
                    "inspection": inspection,
                    "name": upload.name,
                    "mb": _megabytes(photos.PHOTO_POLICY),
                },
                status=413,
            )
        messages.error(request, _message_of(exc))
    except PermissionDenied as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, _("照片已上传"))
    return redirect("inspections:inspection_record", pk=pk)
