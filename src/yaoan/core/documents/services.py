"""The only writers of document templates and generated documents; atomic and audited.

A generated document's file lives under MEDIA_ROOT/documents (inside YAOAN_VAR_DIR,
outside the web root, served only through a scoped view) with its SM3 digest in the
database; every read checks the digest and a mismatch is audited (S21).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.documents.kinds import DocumentKind, document_kind
from yaoan.core.documents.rendering import TemplateRenderError, render_docx, validate_template
from yaoan.core.models import DocumentTemplate, GeneratedDocument, User
from yaoan.core.numbering import next_document_number
from yaoan.core.rules import can_manage_document_templates
from yaoan.core.stored_files import read_checked

DEFAULT_TEMPLATE = "default"


class DocumentTamperedError(Exception):
    """The stored file is missing or no longer matches the digest taken when it was made."""


# --- templates -----------------------------------------------------------------------------


def active_template(kind: str) -> DocumentTemplate | None:
    return DocumentTemplate.objects.filter(kind=kind, is_active=True).first()


def default_template(kind: DocumentKind) -> bytes:
    return kind.build_default()


def current_template(kind: DocumentKind) -> bytes:
    """The administrator's replacement when there is one, else the default."""
    active = active_template(kind.code)
    return bytes(active.content) if active else default_template(kind)


def _require_template_admin(actor: User) -> None:
    if not can_manage_document_templates(actor):
        raise PermissionDenied(_("只有系统管理员可以管理文书模板。"))


def _template_state(active: DocumentTemplate | None) -> dict[str, Any]:
    if active is None:
        return {"template": DEFAULT_TEMPLATE}
    return {"template": active.pk, "sm3": active.sm3, "name": active.original_name}


def _retire(active: DocumentTemplate | None, now: Any) -> None:
    if active is not None:
        active.is_active = False
        active.retired_at = now
        active.save(update_fields=["is_active", "retired_at"])


@transaction.atomic
def upload_template(*, actor: User, kind: str, content: bytes, name: str) -> DocumentTemplate:
    """Replace the kind's template after rendering it with the kind's sample context; a
    template that fails names the placeholder and nothing is saved."""
    _require_template_admin(actor)
    document = document_kind(kind)
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if len(content) > limit:
        raise ValidationError(
            _("模板文件超过 %(m)d MB") % {"m": settings.UPLOAD_MAX_MB}, code="template_too_large"
        )
    validate_template(document, content)
    active = DocumentTemplate.objects.select_for_update().filter(kind=kind, is_active=True).first()
    before = _template_state(active)
    now = timezone.now()
    _retire(active, now)
    try:
        with transaction.atomic():
            template = DocumentTemplate.objects.create(
                kind=kind,
                content=content,
                sm3=audit.sm3_hex(content),
                original_name=Path(name).name[:120],
                size=len(content),
                uploaded_by=actor,
                uploaded_at=now,
            )
    except IntegrityError:  # another upload of the same kind committed first (one active)
        raise ValidationError(
            _("另一位管理员刚刚替换了该模板，请刷新页面后重试。"), code="template_conflict"
        ) from None
    audit.record(
        "core.document_template.uploaded",
        actor=actor,
        obj=template,
        before=before,
        after={**_template_state(template), "kind": kind, "bytes": len(content)},
    )
    return template


@transaction.atomic
def revert_template(*, actor: User, kind: str, reason: str = "") -> None:
    """Go back to the default template; the replaced upload stays on record, retired."""
    _require_template_admin(actor)
    document_kind(kind)
    active = DocumentTemplate.objects.select_for_update().filter(kind=kind, is_active=True).first()
    if active is None:
        raise ValidationError(_("该文书已在使用默认模板。"), code="template_already_default")
    _retire(active, timezone.now())
    audit.record(
        "core.document_template.reverted",
        actor=actor,
        obj=active,
        before=_template_state(active),
        after={"template": DEFAULT_TEMPLATE, "kind": kind},
        reason=reason,
    )


# --- generated documents -------------------------------------------------------------------


def documents_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "documents"


def stored_path(doc: GeneratedDocument) -> Path:
    return documents_dir() / doc.kind / doc.stored_name


def documents_about(subject: models.Model, kind: str | None = None) -> Any:
    """The documents generated about a record, newest first."""
    qs = GeneratedDocument.objects.filter(
        subject_type=audit.object_label(subject), subject_id=subject.pk
    ).select_related("generated_by")
    return qs.filter(kind=kind) if kind else qs


def latest_document(kind: str, subject: models.Model) -> GeneratedDocument | None:
    return documents_about(subject, kind).order_by("-version").first()


def _canonical(context: dict[str, Any]) -> dict[str, Any]:
    """The context as JSON stores it (dates as ISO strings), rendered and kept alike."""
    return json.loads(json.dumps(context, cls=DjangoJSONEncoder, ensure_ascii=False))


def differs(doc: GeneratedDocument, context: dict[str, Any]) -> bool:
    """Whether ``context`` would fill in the stored document differently (the record
    changed since it was printed)."""
    return doc.context != _canonical({**context, "number": doc.number})


def _check_context(kind: DocumentKind, context: dict[str, Any]) -> None:
    """A caller's context must give exactly the kind's fields: a missing one would be an
    error at render time, an extra one a field no template can be told about."""
    given = set(context) | {"number"}
    if given != kind.field_names:
        raise ValueError(f"context for {kind.code}: {sorted(given ^ kind.field_names)}")


@transaction.atomic
def generate_document(
    *,
    actor: User,
    kind: str,
    subject: models.Model,
    context: dict[str, Any],
    number_prefix: str | None = None,
    number: str = "",
    new_version: bool = False,
) -> GeneratedDocument:
    """Render the kind's current template for ``subject`` and store the file.

    Printing again returns the stored document unless ``new_version`` is asked for.
    The 文号 is drawn from ``number_prefix`` (core.numbering) or is the ``number`` the
    subject already carries."""
    document = document_kind(kind)
    subject_type = audit.object_label(subject)
    if subject_type != document.subject_type:
        raise ValueError(f"{kind} is about {document.subject_type}, not {subject_type}")
    _check_context(document, context)
    # lock the subject row: two clicks on 打印 make one document, not two versions
    list(type(subject)._default_manager.select_for_update().filter(pk=subject.pk).values("pk"))
    latest = latest_document(kind, subject)
    if latest is not None and not new_version:
        return latest
    if number_prefix:
        number = next_document_number(number_prefix, timezone.localdate().year)
    filled = _canonical({**context, "number": number})
    template = current_template(document)
    try:
        content = render_docx(template, filled)
    except TemplateRenderError as exc:
        raise ValidationError(exc.message, code="template_failed") from exc
    doc = GeneratedDocument(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject.pk,
        version=(latest.version + 1) if latest else 1,
        number=number,
        title=str(document.label),
        stored_name=f"{uuid.uuid4().hex}.docx",
        size=len(content),
        sm3=audit.sm3_hex(content),
        template_sm3=audit.sm3_hex(template),
        context=filled,
        generated_by=actor,
        generated_at=timezone.now(),
    )
    path = stored_path(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        doc.save()
        audit.record(
            "core.document.generated",
            actor=actor,
            obj=doc,
            after={
                "kind": kind,
                "subject": f"{subject_type}:{subject.pk}",
                "number": number,
                "version": doc.version,
                "sm3": doc.sm3,
                "template_sm3": doc.template_sm3,
            },
        )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return doc


def read_document(doc: GeneratedDocument, *, actor: User) -> bytes:
    """The stored file after its digest checks; a mismatch or a missing file is audited as
    ``core.document.tampered`` and raises ``DocumentTamperedError``. Not atomic on purpose:
    the tamper event must stay written when the caller's request fails."""
    content = read_checked(
        lambda: stored_path(doc),
        expected_sm3=doc.sm3,
        actor=actor,
        obj=doc,
        tampered_action="core.document.tampered",
        where={"stored_name": doc.stored_name},
        error=DocumentTamperedError(doc.stored_name),
    )
    audit.record("core.document.downloaded", actor=actor, obj=doc, after={"number": doc.number})
    return content
