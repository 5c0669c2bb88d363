"""Inspection photos become core attachments (the files stay where they are, the digests
are copied), and the escalations waiting in inspections become intake items.

Going back restores the escalations; the photo rows can only go back while there are none
(the old columns, a unique file name among them, cannot be re-added to existing rows)."""

import django.db.models.deletion
from django.db import migrations, models

PHOTO_DIR = "inspections"


def _flush_constraint_checks(schema_editor):
    # PostgreSQL checks deferred foreign keys at commit; an ALTER TABLE after these writes
    # in the same transaction would fail with "pending trigger events"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def photos_to_attachments(apps, schema_editor):
    Attachment = apps.get_model("core", "Attachment")
    InspectionPhoto = apps.get_model("inspections", "InspectionPhoto")
    for photo in InspectionPhoto.objects.order_by("pk").iterator():
        attachment = Attachment.objects.create(
            subject_type="inspections.inspection",
            subject_id=photo.inspection_id,
            policy="image",
            label=photo.caption,
            original_name=photo.original_name,
            path=f"{PHOTO_DIR}/{photo.inspection_id}/{photo.stored_name}",
            content_type=photo.content_type,
            size=photo.size,
            sm3=photo.sm3,
            personal=False,
            uploaded_by_id=photo.uploaded_by_id,
            uploaded_at=photo.uploaded_at,
        )
        photo.attachment_id = attachment.pk
        photo.save(update_fields=["attachment"])
    _flush_constraint_checks(schema_editor)


def attachments_to_photos(apps, schema_editor):
    InspectionPhoto = apps.get_model("inspections", "InspectionPhoto")
    for photo in InspectionPhoto.objects.select_related("attachment").iterator():
        a = photo.attachment
        photo.stored_name = a.path.rsplit("/", 1)[-1]
        photo.original_name = a.original_name
        photo.content_type = a.content_type
        photo.size = a.size
        photo.sm3 = a.sm3
        photo.caption = a.label
        photo.uploaded_by_id = a.uploaded_by_id
        photo.uploaded_at = a.uploaded_at
        photo.save()
    _flush_constraint_checks(schema_editor)


def escalations_to_intake(apps, schema_editor):
    Escalation = apps.get_model("inspections", "Escalation")
    IntakeItem = apps.get_model("intake", "IntakeItem")
    InspectionPhoto = apps.get_model("inspections", "InspectionPhoto")
    rows = Escalation.objects.select_related("finding__inspection").order_by("pk")
    for e in rows.iterator():
        finding = e.finding
        inspection = finding.inspection
        item = IntakeItem.objects.create(
            kind=e.target,  # the escalation targets "clue" and "risk" are the intake kinds
            status="accepted" if e.taken_over_at else "new",
            source_app="inspections",
            source_kind="finding",
            source_id=str(finding.pk),
            source_label=f"{inspection.number} {finding.description[:60]}",
            source_url=f"/inspections/{inspection.pk}/",
            entity_id=inspection.entity_id,
            summary=e.summary,
            urgency="urgent" if finding.severity == "critical" else "normal",
            org_unit_id=inspection.station_id,
            submitted_by_id=e.created_by_id,
            submitted_at=e.created_at,
            taken_by_type="inspections.escalation" if e.taken_over_at else "",
            taken_by_id=str(e.pk) if e.taken_over_at else "",
            taken_by_label=e.taken_over_ref if e.taken_over_at else "",
            decided_at=e.taken_over_at,
        )
        photos = InspectionPhoto.objects.filter(inspection_id=inspection.pk)
        if finding.item_id is not None:
            photos = photos.filter(item_id=finding.item_id)
        item.evidence.set([p.attachment_id for p in photos])
    _flush_constraint_checks(schema_editor)


def intake_to_escalations(apps, schema_editor):
    Escalation = apps.get_model("inspections", "Escalation")
    IntakeItem = apps.get_model("intake", "IntakeItem")
    items = IntakeItem.objects.filter(source_app="inspections", source_kind="finding")
    for item in items.exclude(status__in=("rejected", "merged")).iterator():
        Escalation.objects.create(
            finding_id=int(item.source_id),
            target=item.kind,
            summary=item.summary,
            created_by_id=item.submitted_by_id,
            created_at=item.submitted_at,
            taken_over_at=item.decided_at if item.status == "accepted" else None,
            taken_over_ref=item.taken_by_label[:60],
        )
    items.delete()
    _flush_constraint_checks(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_attachment"),
        ("intake", "0001_intake_items_and_entity_events"),
        ("inspections", "0003_inspection_draw"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionphoto",
            name="attachment",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inspection_photo",
                to="core.attachment",
            ),
        ),
        migrations.RunPython(photos_to_attachments, attachments_to_photos),
        migrations.RemoveField(model_name="inspectionphoto", name="caption"),
        migrations.RemoveField(model_name="inspectionphoto", name="content_type"),
        migrations.RemoveField(model_name="inspectionphoto", name="original_name"),
        migrations.RemoveField(model_name="inspectionphoto", name="size"),
        migrations.RemoveField(model_name="inspectionphoto", name="sm3"),
        migrations.RemoveField(model_name="inspectionphoto", name="stored_name"),
        migrations.RemoveField(model_name="inspectionphoto", name="uploaded_at"),
        migrations.RemoveField(model_name="inspectionphoto", name="uploaded_by"),
        migrations.AlterField(
            model_name="inspectionphoto",
            name="attachment",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inspection_photo",
                to="core.attachment",
            ),
        ),
        migrations.RunPython(escalations_to_intake, intake_to_escalations),
        migrations.DeleteModel(name="Escalation"),
    ]
