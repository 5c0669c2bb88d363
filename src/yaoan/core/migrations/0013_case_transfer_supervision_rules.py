"""The clocks of 行刑衔接 and 挂牌督办 added to the defaults: the head's decision on a
transfer, the police's answer to a reconsideration (followed by the regulator) and the
hand-over of seized goods (行政执法机关移送涉嫌犯罪案件的规定 第五、九、十二条; the
police's first review, 第八条, is the case app's criminal_transfer_followup), and a
supervised case's completion and progress reports (dates set by the supervising unit).
The same rows are in core.deadlines.DEFAULT_RULES; written out here so the migration
stays what it was when the defaults change. Rows an administrator already has are left
alone."""

from django.db import migrations

RULES = (
    (
        "criminal_transfer_approval",
        "涉嫌犯罪案件移送审批",
        3,
        "calendar_days",
        "行政执法机关移送涉嫌犯罪案件的规定第五条：正职负责人自接到报告之日起3日内作出批准移送或者不批准移送的决定",
    ),
    (
        "criminal_transfer_reconsideration",
        "公安机关复议决定（跟进）",
        3,
        "calendar_days",
        "同规定第九条：公安机关自收到复议申请之日起3日内作出立案或者不予立案的决定",
    ),
    (
        "criminal_transfer_handover",
        "移交涉案物品和材料",
        3,
        "calendar_days",
        "同规定第十二条：自接到立案通知书之日起3日内将涉案物品以及与案件有关的其他材料移交公安机关",
    ),
    (
        "case_supervision",
        "挂牌督办案件办结",
        60,
        "calendar_days",
        "上级督办通知确定的办结期限（未载明的按60日）",
    ),
    (
        "case_supervision_report",
        "挂牌督办进展报告",
        30,
        "calendar_days",
        "上级督办通知要求的进展报告间隔（未载明的按30日）",
    ),
)


def load_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, label, amount, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code, defaults={"label": label, "amount": amount, "unit": unit, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0012_case_rules_and_legal_reviewer")]

    operations = [migrations.RunPython(load_rules, migrations.RunPython.noop)]
