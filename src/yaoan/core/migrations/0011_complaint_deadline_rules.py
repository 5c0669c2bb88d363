"""The clocks of 投诉举报 added to the defaults: mediation of a complaint (45 working days
from acceptance) and the reply to the complainant or reporter (5 working days). The same
rows are in core.deadlines.DEFAULT_RULES; written out here so the migration stays what it
was when the defaults change. Rows an administrator already has are left alone."""

from django.db import migrations

RULES = (
    (
        "complaint_mediation",
        "投诉调解",
        45,
        "working_days",
        "市场监督管理投诉举报处理暂行办法：自投诉受理之日起45个工作日内终结调解",
    ),
    (
        "complaint_reply",
        "答复投诉举报人",
        5,
        "working_days",
        "调解终结或核查处理决定作出之日起5个工作日内告知投诉举报人",
    ),
)


def load_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, label, amount, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code, defaults={"label": label, "amount": amount, "unit": unit, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0010_clue_deadline_rules")]

    operations = [migrations.RunPython(load_rules, migrations.RunPython.noop)]
