"""Ship the default checklists and the rectification deadline rule (both are data that
chiefs and administrators can change later)."""

from django.db import migrations

RECTIFICATION_RULE = (
    "rectification",
    "责令改正整改期限",
    15,
    "working_days",
    "责令改正通知书默认整改期限15个工作日（检查发现问题，依药品管理法、化妆品监督管理条例等责令限期改正）",
)


def load(apps, schema_editor):
    from yaoan.inspections.checklist_defaults import DEFAULT_CHECKLISTS

    Checklist = apps.get_model("inspections", "Checklist")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for code, title, types, basis, items in DEFAULT_CHECKLISTS:
        if Checklist.objects.filter(code=code).exists():
            continue
        checklist = Checklist.objects.create(
            code=code, version=1, title=title, entity_types=list(types), basis=basis
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                number=number,
                position=position,
                section=section,
                text=text,
                basis=item_basis,
                severity=severity,
            )
            for position, (number, section, text, item_basis, severity) in enumerate(items, 1)
        )
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    code, label, amount, unit, basis = RECTIFICATION_RULE
    DeadlineRule.objects.get_or_create(
        code=code, defaults={"label": label, "amount": amount, "unit": unit, "basis": basis}
    )


def unload(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(code="rectification").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("core", "0002_audit_append_only_and_deadline_rules"),
    ]
    operations = [migrations.RunPython(load, unload)]
