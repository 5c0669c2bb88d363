"""The clues module's time limits: clue verification (15 working days, extendable by 15)
and the online-sales 工作提示单's handling limit (10 working days). The same rows are in
core.deadlines.DEFAULT_RULES; written out here so the migration stays what it was when the
defaults change. Rows an administrator already has are left alone."""

from django.db import migrations

RULES = (
    (
        "clue_verification",
        "线索核查",
        15,
        "working_days",
        "市场监督管理行政处罚程序规定第十八条：自发现线索或者收到材料之日起15个工作日内核查，决定是否立案",
    ),
    (
        "clue_verification_extension",
        "线索核查延长",
        15,
        "working_days",
        "同第十八条：特殊情况下经市场监督管理部门负责人批准，可以延长15个工作日",
    ),
    (
        "online_sales_prompt",
        "网售监测工作提示单办理",
        10,
        "working_days",
        "瑶海2025要点7：监测线索及时下发工作提示单，明确办理时限，快核快处；取10个工作日，留足第十八条15个工作日内的立案决定时间",
    ),
)


def load_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, label, amount, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code, defaults={"label": label, "amount": amount, "unit": unit, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0009_user_is_system_actor")]

    operations = [migrations.RunPython(load_rules, migrations.RunPython.noop)]
