# The inspector profiles and conflicts of interest move from the draws app with their
# rows: this migration only tells Django's state that the staff app owns the two existing
# tables (draws' 0004 forgets them); 0002 renames the tables and adds qualifications.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("core", "0008_job_lease"),
        ("registry", "0007_seal_contact_phone"),
        ("draws", "0003_draw_visit_period"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="InspectorProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("badge_number", models.CharField(error_messages={"unique": "该证号已被其他检查员使用"}, help_text="仅工作人员可见；公开抽取结果中以每次抽取不同的代号表示检查人员", max_length=30, unique=True, verbose_name="执法证/检查员证号")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("home_subdistrict", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.subdistrict", verbose_name="居住地镇街")),
                ("posted_subdistricts", models.ManyToManyField(blank=True, related_name="+", to="core.subdistrict", verbose_name="包片镇街")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="inspector_profile", to=settings.AUTH_USER_MODEL, verbose_name="检查员")),
            ],
            options={
                "verbose_name": "检查员档案",
                "verbose_name_plural": "检查员档案",
                "ordering": ["badge_number"],
                "db_table": "draws_inspectorprofile",
            },
        ),
        migrations.CreateModel(
            name="InspectorConflict",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("relative", "近亲属关系"), ("former_employer", "曾在该单位任职"), ("other", "其他利害关系")], max_length=20, verbose_name="回避事由")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("recorded_at", models.DateTimeField(verbose_name="登记时间")),
                ("is_removed", models.BooleanField(default=False, verbose_name="已撤销")),
                ("removed_reason", models.CharField(blank=True, max_length=200, verbose_name="撤销原因")),
                ("removed_at", models.DateTimeField(blank=True, null=True, verbose_name="撤销时间")),
                ("entity", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.entity", verbose_name="监管对象")),
                ("inspector", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="draw_conflicts", to=settings.AUTH_USER_MODEL, verbose_name="检查员")),
                ("recorded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="登记人")),
                ("removed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "回避事由",
                "verbose_name_plural": "回避事由",
                "ordering": ["-recorded_at", "-id"],
                "db_table": "draws_inspectorconflict",
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("is_removed", False)), fields=("inspector", "entity"), name="draws_conflict_once", violation_error_message="该检查员与该对象的回避事由已登记"),
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
