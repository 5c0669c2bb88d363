"""The pages of every import: the upload (checked for size, type and zip bombs before it
is stored outside the web root, S22), the template download, the job page its owner
watches, and the error report. ``import_views(spec)`` gives the four views of one spec."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.common import xlsx
from yaoan.core.access import allowed_user
from yaoan.core.jobs import can_retry, enqueue_job, job_dir, refresh_if_stale, retry_job
from yaoan.core.models import BackgroundJob, User
from yaoan.core.tabular.forms import ImportUploadForm
from yaoan.core.tabular.runner import job_mode, submit_import
from yaoan.core.tabular.spec import ImportSpec
from yaoan.core.tabular.tasks import run_import_task
from yaoan.core.tabular.workbook import build_template, column_rule, identifier_note

UPLOAD_OVERHEAD = 64 * 1024  # multipart boundaries and the other form fields
View = Callable[..., HttpResponseBase]


@dataclass(frozen=True)
class ImportViews:
    template: View
    upload: View
    job: View
    errors: View
    retry: View


def import_views(spec: ImportSpec) -> ImportViews:
    """The views of one import, to be routed under the spec's URL names."""
    return ImportViews(
        template=lambda request: template_view(request, spec),
        upload=lambda request: upload_view(request, spec),
        job=lambda request, job_id: job_view(request, spec, job_id),
        errors=lambda request, job_id: errors_view(request, spec, job_id),
        retry=lambda request, job_id: retry_view(request, spec, job_id),
    )


def import_urls(spec: ImportSpec, prefix: str) -> list[URLPattern]:
    """The four routes of an import under ``prefix`` (e.g. "entities/import/"), named as
    the spec's URL names say (inside the including app's namespace)."""
    views = import_views(spec)

    def name(full: str) -> str:
        return full.rpartition(":")[2]

    return [
        path(prefix, views.upload, name=name(spec.urls.upload)),
        path(f"{prefix}template.xlsx", views.template, name=name(spec.urls.template)),
        path(f"{prefix}<int:job_id>/", views.job, name=name(spec.urls.job)),
        path(f"{prefix}<int:job_id>/errors.xlsx", views.errors, name=name(spec.urls.errors)),
        path(f"{prefix}<int:job_id>/retry/", views.retry, name=f"{name(spec.urls.job)}_retry"),
    ]


def _importer(request: HttpRequest, spec: ImportSpec) -> User:
    return allowed_user(request, spec.may_import, spec.denied_action)


def _urls(spec: ImportSpec, job: BackgroundJob | None = None) -> dict[str, str]:
    urls = {
        "upload": reverse(spec.urls.upload),
        "template": reverse(spec.urls.template),
        "done": reverse(spec.urls.done),
    }
    if job is not None:
        urls["job"] = reverse(spec.urls.job, args=[job.pk])
        urls["errors"] = reverse(spec.urls.errors, args=[job.pk])
        urls["retry"] = reverse(f"{spec.urls.job}_retry", args=[job.pk])
    return urls


def template_view(request: HttpRequest, spec: ImportSpec) -> FileResponse:
    user = _importer(request, spec)
    name = _("%(title)s导入模板.xlsx") % {"title": spec.title}
    return xlsx.xlsx_response(build_template(spec, user), name)


def _upload_page(
    request: HttpRequest,
    spec: ImportSpec,
    form: ImportUploadForm,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    columns = [
        {"header": c.header, "required": c.required, "rule": column_rule(c)} for c in spec.columns
    ]
    context = {
        "spec": spec,
        "urls": _urls(spec),
        "form": form,
        "columns": columns,
        "identifier_note": identifier_note(),
        "upload_error": error,
        "max_mb": xlsx.max_upload_bytes() // 2**20,
    }
    return render(request, "core/tabular/import.html", context, status=status)


def _declared_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > xlsx.max_upload_bytes() + UPLOAD_OVERHEAD


def upload_view(request: HttpRequest, spec: ImportSpec) -> HttpResponse:
    user = _importer(request, spec)
    if request.method != "POST":
        return _upload_page(request, spec, ImportUploadForm())
    if _declared_too_large(request):
        return _upload_page(request, spec, ImportUploadForm(), 413, xlsx.too_large_message())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, spec, form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > xlsx.max_upload_bytes():
        form.add_error("file", xlsx.too_large_message())
        return _upload_page(request, spec, form, status=413)
    content = upload.read()
    try:
        xlsx.check_xlsx(upload.name, content)
        xlsx.probe_workbook(content)
    except xlsx.XlsxError as exc:
        form.add_error("file", exc.message)
        return _upload_page(request, spec, form, status=400)
    mode = form.cleaned_data["mode"]
    job = submit_import(spec, actor=user, name=upload.name, content=content, mode=mode)
    enqueue_job(job, run_import_task, job.pk, spec.path)  # committed: create_job is atomic
    return redirect(spec.urls.job, job_id=job.pk)


def _own_job(request: HttpRequest, spec: ImportSpec, job_id: int) -> BackgroundJob:
    """Only the job's owner sees it; anyone else gets the same 404 as for no job at all."""
    user = _importer(request, spec)
    job = BackgroundJob.objects.filter(pk=job_id, kind=spec.kind, created_by=user).first()
    if job is None:
        raise Http404
    job.created_by = user  # the filter just said so; saves reading the user again
    return job


def job_view(request: HttpRequest, spec: ImportSpec, job_id: int) -> HttpResponse:
    job = refresh_if_stale(_own_job(request, spec, job_id))
    htmx = getattr(request, "htmx", False)
    template = "core/tabular/_import_status.html" if htmx else "core/tabular/import_job.html"
    context = {
        "spec": spec,
        "job": job,
        "mode": job_mode(job),
        "urls": _urls(spec, job),
        "errors": job.result.get("errors", []),
        "has_report": bool(job.output_path),
        "can_retry": can_retry(job, job.created_by),
    }
    return render(request, template, context)


@require_POST
def retry_view(request: HttpRequest, spec: ImportSpec, job_id: int) -> HttpResponse:
    """The owner queues a job that ended in error again, with the same file and mode."""
    job = refresh_if_stale(_own_job(request, spec, job_id))
    try:
        retry_job(job, actor=job.created_by)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(spec.urls.job, job_id=job.pk)


def errors_view(request: HttpRequest, spec: ImportSpec, job_id: int) -> FileResponse:
    job = _own_job(request, spec, job_id)
    path = Path(job.output_path) if job.output_path else None
    if path is None or path.parent != job_dir(job) or not path.is_file():
        raise Http404
    filename = _("导入错误报告-%(job)s.xlsx") % {"job": job.pk}
    return xlsx.xlsx_response(path.open("rb"), filename)
