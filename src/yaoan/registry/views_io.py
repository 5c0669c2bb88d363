"""Excel in and out of the registry: the import template, the upload (checked for size,
type and zip bombs before it is stored outside the web root, S22), the import job page
its owner watches, the error report, and the export of the filtered list (S25)."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.core.jobs import create_job, job_dir
from yaoan.core.models import BackgroundJob, User
from yaoan.registry import views
from yaoan.registry.exports import export_entities
from yaoan.registry.forms import ImportForm
from yaoan.registry.imports import IMPORT_JOB_KIND, build_template
from yaoan.registry.tasks import import_entities_task

IMPORT_TEMPLATE = "registry/entity_import.html"
UPLOAD_OVERHEAD = 64 * 1024  # multipart boundaries and the other form fields


def entity_template_view(request: HttpRequest) -> FileResponse:
    user = views._editor(request)
    return xlsx.xlsx_response(build_template(user), _("监管对象导入模板.xlsx"))


def _upload_page(
    request: HttpRequest, form: ImportForm, status: int = 200, error: str = ""
) -> HttpResponse:
    context = {"form": form, "upload_error": error, "max_mb": xlsx.max_upload_bytes() // 2**20}
    return render(request, IMPORT_TEMPLATE, context, status=status)


def _declared_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > xlsx.max_upload_bytes() + UPLOAD_OVERHEAD


def entity_import_view(request: HttpRequest) -> HttpResponse:
    user = views._editor(request)
    if request.method != "POST":
        return _upload_page(request, ImportForm())
    if _declared_too_large(request):
        return _upload_page(request, ImportForm(), 413, xlsx.too_large_message())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > xlsx.max_upload_bytes():
        form.add_error("file", xlsx.too_large_message())
        return _upload_page(request, form, status=413)
    content = upload.read()
    try:
        xlsx.check_xlsx(upload.name, content)
        xlsx.probe_workbook(content)
    except xlsx.XlsxError as exc:
        form.add_error("file", exc.message)
        return _upload_page(request, form, status=400)
    return _start_import(user, upload.name, content)


def _start_import(user: User, name: str, content: bytes) -> HttpResponse:
    job = create_job(actor=user, kind=IMPORT_JOB_KIND, input_name=name, content=content)
    import_entities_task.enqueue(job.pk)  # the job row is committed: create_job was atomic
    return redirect("registry:entity_import_job", job_id=job.pk)


def _own_job(request: HttpRequest, job_id: int) -> BackgroundJob:
    """Only the job's owner sees it; anyone else gets the same 404 as for no job at all."""
    user = views._user(request)
    job = BackgroundJob.objects.filter(pk=job_id, kind=IMPORT_JOB_KIND, created_by=user).first()
    if job is None:
        raise Http404
    return job


def entity_import_job_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _own_job(request, job_id)
    template = (
        "registry/_entity_import_status.html"
        if getattr(request, "htmx", False)
        else "registry/entity_import_job.html"
    )
    return render(request, template, {"job": job, "errors": job.result.get("errors", [])})


def entity_import_errors_view(request: HttpRequest, job_id: int) -> FileResponse:
    job = _own_job(request, job_id)
    path = Path(job.output_path) if job.output_path else None
    if path is None or path.parent != job_dir(job) or not path.is_file():
        raise Http404
    filename = _("导入错误报告-%(job)s.xlsx") % {"job": job.pk}
    return xlsx.xlsx_response(path.open("rb"), filename)


def entity_export_view(request: HttpRequest) -> FileResponse:
    user = views._user(request)
    _filterset, entities = views.filtered_entities(request, user)
    filters = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    handle = export_entities(actor=user, entities=entities, filters=filters)
    return xlsx.xlsx_response(handle, _("监管对象.xlsx"))
