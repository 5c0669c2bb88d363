"""The one attachment service: every stored file of every module goes through here.

A policy says what a file may be (checked by its magic bytes and its extension, never by
the name alone or the browser's word) and how large (S22). Files live under MEDIA_ROOT,
outside the web root, and are served only through the scoped view ``core:attachment``.
The SM3 digest taken when a file is stored is checked on every read; a mismatch is audited
as ``core.attachment.tampered`` and refused (S21). Evidence is immutable: no function here
changes a stored file, and deletion only marks the row.

Which user may see an attachment is decided by the app that owns its subject: each app
declares ``ATTACHMENT_SUBJECTS`` (a tuple of :class:`AttachmentSubject`) in its own
``subjects.py``; :func:`attachment_subjects` collects them from the installed apps.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import io
import os
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

import filetype
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree
from PIL import Image, UnidentifiedImageError

from yaoan.common.errors import REASON_REQUIRED, invalid
from yaoan.core import audit
from yaoan.core.enums import AttachmentError, AttachmentLimit, AttachmentPolicy
from yaoan.core.models import Attachment, User
from yaoan.core.stored_files import read_checked

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XML = "application/xml"
# an Office file is a zip: refuse one that unpacks to more than this (a zip bomb)
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
STORAGE_DIR = "attachments"


@dataclass(frozen=True)
class PolicySpec:
    """``types`` maps each accepted MIME type to the extensions a file of it may carry
    (the first is used for the stored name); ``max_mb`` is capped by YAOAN_UPLOAD_MAX_MB."""

    types: Mapping[str, tuple[str, ...]]
    max_mb: int
    described: Promise
    personal: bool = False  # every read is audited (S13: personal data in the file)


POLICIES: Mapping[str, PolicySpec] = {
    AttachmentPolicy.IMAGE: PolicySpec(
        {"image/jpeg": ("jpg", "jpeg"), "image/png": ("png",), "image/webp": ("webp",)},
        10,
        gettext_lazy("JPEG、PNG 或 WebP 图片"),
    ),
    AttachmentPolicy.DOCUMENT: PolicySpec(
        {"application/pdf": ("pdf",), DOCX: ("docx",), XLSX: ("xlsx",)},
        20,
        gettext_lazy("PDF、Word（.docx）或 Excel（.xlsx）文件"),
    ),
    AttachmentPolicy.E2B_XML: PolicySpec(
        {XML: ("xml",)}, 20, gettext_lazy("E2B XML 文件"), personal=True
    ),
}
# the types whose content is shown in the browser; everything else is downloaded
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


class AttachmentTamperedError(Exception):
    """The stored file is missing or no longer matches the digest taken when it was stored
    (S21). Already audited when raised."""

    def __init__(self, attachment: Attachment) -> None:
        super().__init__(f"attachment {attachment.pk} ({attachment.path})")
        self.attachment = attachment


def _spec(policy: AttachmentPolicy | str) -> PolicySpec:
    try:
        return POLICIES[AttachmentPolicy(policy)]
    except ValueError:
        raise ImproperlyConfigured(f"unknown attachment policy {policy!r}") from None


def upload_limit(policy: AttachmentPolicy | str) -> int:
    """The largest file, in bytes, the policy accepts."""
    return min(_spec(policy).max_mb, settings.UPLOAD_MAX_MB) * 1024 * 1024


def _too_large(name: str, policy: AttachmentPolicy | str) -> ValidationError:
    mb = upload_limit(policy) // (1024 * 1024)
    return invalid(AttachmentLimit.TOO_LARGE, _("文件“%(n)s”超过 %(m)d MB") % {"n": name, "m": mb})


def read_upload(upload: UploadedFile, policy: AttachmentPolicy | str) -> bytes:
    """An uploaded file's bytes, refused by its declared size before it is read into
    memory (pages answer this refusal with 413)."""
    name = upload.name or ""
    if (upload.size or 0) > upload_limit(policy):
        raise _too_large(name, policy)
    return upload.read()


# --- what a file is ------------------------------------------------------------------------


def _damaged(name: str) -> ValidationError:
    return invalid(AttachmentError.DAMAGED, _("文件“%(n)s”已损坏，无法读取") % {"n": name})


def _check_image(content: bytes, name: str) -> None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise _damaged(name) from None


def _check_office(content: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES or "[Content_Types].xml" not in archive.namelist():
                raise _damaged(name)
    except (zipfile.BadZipFile, OSError):
        raise _damaged(name) from None


def _check_xml(content: bytes, name: str) -> None:
    """Well-formed XML, parsed without fetching or expanding anything it declares."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        etree.parse(io.BytesIO(content), parser)
    except etree.XMLSyntaxError:
        raise _damaged(name) from None


CONTENT_CHECKS: Mapping[str, Callable[[bytes, str], None]] = {
    "image/jpeg": _check_image,
    "image/png": _check_image,
    "image/webp": _check_image,
    DOCX: _check_office,
    XLSX: _check_office,
    XML: _check_xml,
}


def _sniff(content: bytes) -> str | None:
    kind = filetype.guess(content)
    if kind is not None:
        return str(kind.mime)
    # XML has no magic number: its first non-blank character (after a BOM) is "<"
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return XML
    return None


def validate_content(content: bytes, name: str, policy: AttachmentPolicy | str) -> str:
    """The file's MIME type if its bytes are of a type the policy accepts, its extension
    agrees with them, and it is within the size cap; else a coded ValidationError naming
    the file."""
    spec = _spec(policy)
    if not content:
        raise invalid(AttachmentError.EMPTY, _("文件“%(n)s”为空") % {"n": name})
    if len(content) > upload_limit(policy):
        raise _too_large(name, policy)
    mime = _sniff(content)
    if mime is None or mime not in spec.types:
        raise invalid(
            AttachmentError.WRONG_TYPE, _("“%(n)s”不是 %(t)s") % {"n": name, "t": spec.described}
        )
    CONTENT_CHECKS.get(mime, lambda c, n: None)(content, name)
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in spec.types[mime]:
        raise invalid(
            AttachmentError.WRONG_TYPE,
            _("“%(n)s”的扩展名与文件内容不符（内容为 .%(e)s 文件）")
            % {"n": name, "e": spec.types[mime][0]},
        )
    return mime


# --- storing and reading -------------------------------------------------------------------


def storage_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _file_of(attachment: Attachment) -> Path:
    root = storage_root().resolve()
    path = (root / attachment.path).resolve()
    if not path.is_relative_to(root):  # a forged path never leaves the storage root
        raise AttachmentTamperedError(attachment)
    return path


def _write_new(relative: str, content: bytes) -> Path:
    path = storage_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:  # never overwrite: evidence is immutable
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o440)
    return path


def subject_label(subject: models.Model) -> str:
    return audit.object_label(subject)


def store_attachment(
    *,
    actor: User,
    subject: models.Model,
    content: bytes,
    name: str,
    policy: AttachmentPolicy | str,
    label: str = "",
    personal: bool = False,
) -> Attachment:
    """Check, store and record one file belonging to ``subject`` (a saved record); the
    caller has decided the actor may add it. ``personal`` files have every read audited."""
    if subject.pk is None:
        raise ImproperlyConfigured("an attachment's subject must be saved first")
    name = PurePath(name.replace("\\", "/")).name[:120] or "file"
    mime = validate_content(content, name, policy)
    spec = _spec(policy)
    now = timezone.now()
    relative = f"{STORAGE_DIR}/{now:%Y/%m}/{uuid.uuid4().hex}.{spec.types[mime][0]}"
    path = _write_new(relative, content)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                subject_type=subject_label(subject),
                subject_id=subject.pk,
                policy=AttachmentPolicy(policy),
                label=label.strip()[:100],
                original_name=name,
                path=relative,
                content_type=mime,
                size=len(content),
                sm3=audit.sm3_hex(content),
                personal=personal or spec.personal,
                uploaded_by=actor,
                uploaded_at=now,
            )
            audit.record(
                "core.attachment.stored",
                actor=actor,
                obj=attachment,
                after=_described(attachment),
            )
    except Exception:
        path.chmod(0o640)
        path.unlink(missing_ok=True)
        raise
    return attachment


def _described(attachment: Attachment) -> dict[str, object]:
    return {
        "subject": f"{attachment.subject_type}:{attachment.subject_id}",
        "name": attachment.original_name,
        "path": attachment.path,
        "sm3": attachment.sm3,
        "bytes": attachment.size,
    }


def read_attachment(attachment: Attachment, *, actor: User) -> bytes:
    """The file's bytes after checking them against the stored digest. A missing or
    changed file is audited as ``core.attachment.tampered`` and raises
    AttachmentTamperedError; call this outside any transaction the error would roll back,
    or the audit row goes with it. Reads of personal files are audited too."""
    content = read_checked(
        lambda: _file_of(attachment),
        expected_sm3=attachment.sm3,
        actor=actor,
        obj=attachment,
        tampered_action="core.attachment.tampered",
        where={"path": attachment.path},
        error=AttachmentTamperedError(attachment),
    )
    if attachment.personal:
        audit.record("core.attachment.read", actor=actor, obj=attachment)
    return content


@transaction.atomic
def delete_attachment(attachment: Attachment, *, actor: User, reason: str) -> Attachment:
    """Mark the attachment deleted (with who, when and why); the file and row stay for the
    auditor (S17). The calling app has decided the actor may do it."""
    if not reason.strip():
        raise invalid(REASON_REQUIRED, _("删除附件须填写原因"), field="reason")
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.deleted_at is not None:
        raise ValidationError(_("附件已删除"), code="already_deleted")
    locked.deleted_at = timezone.now()
    locked.deleted_by = actor
    locked.deletion_reason = reason.strip()[:200]
    locked.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    audit.record(
        "core.attachment.deleted",
        actor=actor,
        obj=locked,
        after=_described(locked),
        reason=locked.deletion_reason,
    )
    return locked


def attachments_for(
    subject: models.Model, *, include_deleted: bool = False
) -> QuerySet[Attachment]:
    qs = Attachment.objects.filter(subject_type=subject_label(subject), subject_id=subject.pk)
    return qs if include_deleted else qs.filter(deleted_at__isnull=True)


# --- who sees an attachment: the subject's app decides -------------------------------------

SubjectVisibility = Callable[[User, int], bool]


@dataclass(frozen=True)
class AttachmentSubject:
    """Declared by an app in ``<app>/subjects.py``: ``visible(user, subject_id)`` says
    whether the user may see that record, and so its attachments."""

    subject_type: str  # "app_label.model"
    visible: SubjectVisibility


@functools.cache
def attachment_subjects() -> Mapping[str, SubjectVisibility]:
    """Every installed app's ``subjects.ATTACHMENT_SUBJECTS``, by subject type."""
    found: dict[str, SubjectVisibility] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.subjects"
        if importlib.util.find_spec(module_name) is None:
            continue
        for subject in getattr(importlib.import_module(module_name), "ATTACHMENT_SUBJECTS", ()):
            if subject.subject_type in found:
                raise ImproperlyConfigured(f"{subject.subject_type} declared twice")
            found[subject.subject_type] = subject.visible
    return found


def may_see_attachment(user: User, attachment: Attachment) -> bool:
    """Whether ``user`` may see the attachment: not deleted, and its subject's app says the
    user sees the subject. A subject type no app declares is seen by nobody."""
    if not user.is_authenticated or attachment.deleted_at is not None:
        return False
    visible = attachment_subjects().get(attachment.subject_type)
    return visible is not None and visible(user, attachment.subject_id)
