"""Evidence photos of an inspection. The file is a core attachment whose subject is the
inspection (stored outside the web root with its SM3 digest, checked on every read: S21,
S22); an InspectionPhoto row places it on the checklist item it shows."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from yaoan.common.errors import ILLEGAL_TRANSITION, INVALID, invalid
from yaoan.core import audit
from yaoan.core.attachments import read_attachment, store_attachment
from yaoan.core.enums import AttachmentPolicy
from yaoan.core.models import User
from yaoan.inspections.enums import InspectionError, InspectionStatus
from yaoan.inspections.models import ChecklistItem, Inspection, InspectionPhoto
from yaoan.inspections.rules import can_inspect

PHOTO_POLICY = AttachmentPolicy.IMAGE
OPEN_STATUSES = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)


def _require_open_on_team(actor: User, inspection: Inspection) -> None:
    on_team = inspection.team.filter(inspector=actor).exists()
    if not can_inspect(actor) or not on_team:
        raise PermissionDenied(str(InspectionError.NOT_ASSIGNED.label))
    if inspection.status not in OPEN_STATUSES:
        raise invalid(ILLEGAL_TRANSITION, _("检查已提交，不能再添加照片"))


@transaction.atomic
def add_photo(
    *,
    actor: User,
    inspection: Inspection,
    content: bytes,
    name: str,
    item: ChecklistItem | None = None,
    caption: str = "",
) -> InspectionPhoto:
    """Store a photo taken on site by an inspector of the team, while the visit is open."""
    _require_open_on_team(actor, inspection)
    if item is not None and item.checklist_id != inspection.checklist_id:
        raise invalid(INVALID, _("检查项目不属于本检查表"), field="item")
    attachment = store_attachment(
        actor=actor,
        subject=inspection,
        content=content,
        name=name,
        policy=PHOTO_POLICY,
        label=caption,
    )
    photo = InspectionPhoto.objects.create(inspection=inspection, item=item, attachment=attachment)
    audit.record(
        "inspections.photo.added",
        actor=actor,
        obj=inspection,
        after={"photo": photo.pk, "attachment": attachment.pk, "sm3": attachment.sm3},
    )
    return photo


def read_photo(photo: InspectionPhoto, *, actor: User) -> bytes:
    """The photo's bytes, checked against their digest (raises AttachmentTamperedError)."""
    return read_attachment(photo.attachment, actor=actor)


def photos_of(inspection: Inspection) -> QuerySet[InspectionPhoto]:
    """The photos to show: not deleted, with their attachment and item."""
    return inspection.photos.filter(attachment__deleted_at__isnull=True).select_related(
        "attachment", "item"
    )
