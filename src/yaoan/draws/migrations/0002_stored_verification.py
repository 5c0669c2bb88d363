"""Stored verification outcome and document digest of a draw; the frozen entity name on
each assignment, copied here from the draw's inputs for the draws already executed.

Draws executed before this migration have no stored outcome: their pages say so until a
member of staff re-verifies them (the CLI always verifies live)."""

from django.db import migrations, models


def copy_entity_names(apps, schema_editor):
    Draw = apps.get_model("draws", "Draw")
    DrawAssignment = apps.get_model("draws", "DrawAssignment")
    for draw in Draw.objects.filter(drawn_at__isnull=False).only("pk", "inputs").iterator():
        names = {e["key"]: e["name"] for e in draw.inputs.get("entities", [])}
        rows = list(DrawAssignment.objects.filter(draw_id=draw.pk).only("pk", "entity_key"))
        for row in rows:
            row.entity_name = names.get(row.entity_key, "")
        DrawAssignment.objects.bulk_update(rows, ["entity_name"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('draws', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='draw',
            name='document_digest',
            field=models.CharField(blank=True, help_text='抽取时复核的公布文件（不含 meta）的 SM3 摘要', max_length=64, verbose_name='公布文件摘要（SM3）'),
        ),
        migrations.AddField(
            model_name='draw',
            name='verification',
            field=models.JSONField(blank=True, default=dict, verbose_name='复核结果'),
        ),
        migrations.AddField(
            model_name='draw',
            name='verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='复核时间'),
        ),
        migrations.AddField(
            model_name='drawassignment',
            name='entity_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='监管对象名称'),
        ),
        migrations.AlterField(
            model_name='inspectorprofile',
            name='badge_number',
            field=models.CharField(error_messages={'unique': '该证号已被其他检查员使用'}, help_text='仅工作人员可见；公开抽取结果中以每次抽取不同的代号表示检查人员', max_length=30, unique=True, verbose_name='执法证/检查员证号'),
        ),
        migrations.RunPython(copy_entity_names, migrations.RunPython.noop),
    ]
