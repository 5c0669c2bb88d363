"""Official documents: the system administrator's template pages (upload a replacement,
download the current or the default, revert) and the scoped download of a generated
document, whose digest is checked on every read (S21)."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaoan.core import audit, rules
from yaoan.core.access import allowed_user
from yaoan.core.documents import services
from yaoan.core.documents.kinds import DocumentKind, document_kind, document_kinds
from yaoan.core.forms import ReasonForm, TemplateUploadForm
from yaoan.core.http import AuthenticatedHttpRequest
from yaoan.core.models import DocumentTemplate, GeneratedDocument, User

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str, sm3: str = "") -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    if sm3:
        response["X-Content-SM3"] = sm3
    return response


def document_response(request: HttpRequest, doc: GeneratedDocument, user: User) -> HttpResponse:
    """The stored file, or the tamper page (409) when its digest no longer matches."""
    try:
        content = services.read_document(doc, actor=user)
    except services.DocumentTamperedError:
        return render(request, "core/document_tampered.html", {"doc": doc}, status=409)
    return docx_response(content, f"{doc.title}{doc.number}.docx", doc.sm3)


DENIED = "core.access.denied"


def _template_admin(request: HttpRequest) -> User:
    """The system administrator, or an audited 403 (S14)."""
    return allowed_user(request, rules.can_manage_document_templates, DENIED)


def _kind_or_404(code: str) -> DocumentKind:
    try:
        return document_kind(code)
    except LookupError:
        raise Http404 from None


def document_download_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Anyone the subject's app lets see the record may download its documents; others get
    the same 404 as a missing id, with the refusal audited (S9)."""
    doc = get_object_or_404(GeneratedDocument, pk=pk)
    try:
        visible = document_kind(doc.kind).visible(request.user, doc.subject_id)
    except LookupError:
        visible = False
    if not visible:
        audit.record(
            "core.document.denied",
            actor=request.user,
            obj=doc,
            success=False,
        )
        raise Http404
    return document_response(request, doc, request.user)


def document_template_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _template_admin(request)
    active = {t.kind: t for t in DocumentTemplate.objects.filter(is_active=True)}
    rows = [(kind, active.get(kind.code)) for kind in document_kinds()]
    return render(request, "core/document_template_list.html", {"rows": rows})


def document_template_view(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = _template_admin(request)
    kind = _kind_or_404(code)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["template"]
        if upload.size > settings.UPLOAD_MAX_MB * 1024 * 1024:
            form.add_error("template", _("模板文件超过 %(m)d MB") % {"m": settings.UPLOAD_MAX_MB})
        else:
            try:
                services.upload_template(
                    actor=user, kind=code, content=upload.read(), name=upload.name
                )
            except ValidationError as exc:
                form.add_error("template", exc.messages[0])
            else:
                messages.success(request, _("新模板已启用"))
                return redirect("core:document_template", code=code)
    return render(
        request,
        "core/document_template.html",
        {
            "kind": kind,
            "form": form,
            "revert_form": ReasonForm(),
            "active": services.active_template(code),
            "history": DocumentTemplate.objects.filter(kind=code).select_related("uploaded_by"),
        },
    )


def document_template_download_view(
    request: AuthenticatedHttpRequest, code: str, which: str
) -> HttpResponse:
    _template_admin(request)
    kind = _kind_or_404(code)
    if which == "default":
        content = services.default_template(kind)
        name = _("%(k)s（默认模板）.docx") % {"k": kind.label}
    elif which == "current":
        content = services.current_template(kind)
        name = _("%(k)s（当前模板）.docx") % {"k": kind.label}
    else:
        raise Http404
    return docx_response(content, name)


@require_POST
def document_template_revert_view(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = _template_admin(request)
    _kind_or_404(code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写恢复默认模板的原因"))
        return redirect("core:document_template", code=code)
    try:
        services.revert_template(actor=user, kind=code, reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("已恢复默认模板"))
    return redirect("core:document_template", code=code)
