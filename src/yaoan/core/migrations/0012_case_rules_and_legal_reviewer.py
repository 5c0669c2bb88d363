"""Enforcement cases (issue 16): the 法制审核 role, and the case clocks added to the
defaults — the filing decision (15 + 15 working days), 法制审核 (10 working days), the
decision's delivery (7 days), its execution (15 days) and the follow-up of a suspected
crime transferred to the police (3 days). The decision (90 + 30 days), the statement
period (5 working days) and publication (20 working days) rules were loaded before. The
same rows are in core.deadlines.DEFAULT_RULES; written out here so the migration stays
what it was when the defaults change. Rows an administrator already has are left alone."""

from django.db import migrations, models

RULES = (
    (
        "case_filing",
        "案件立案决定",
        15,
        "working_days",
        "市场监督管理行政处罚程序规定第十八条：自发现线索或者收到材料之日起15个工作日内予以核查，由负责人决定是否立案",
    ),
    (
        "case_filing_extension",
        "案件立案决定延长",
        15,
        "working_days",
        "同第十八条：特殊情况下经市场监督管理部门负责人批准，可以延长15个工作日",
    ),
    (
        "case_legal_review",
        "法制审核",
        10,
        "working_days",
        "行政处罚法第五十八条、市场监督管理行政处罚程序规定：法制审核机构自收到审核材料之日起10个工作日内完成审核",
    ),
    (
        "case_decision_delivery",
        "行政处罚决定书送达",
        7,
        "calendar_days",
        "行政处罚法第六十一条：行政处罚决定书应当在宣告后当场交付当事人；当事人不在场的，应当在七日内送达",
    ),
    (
        "case_execution",
        "行政处罚决定履行",
        15,
        "calendar_days",
        "行政处罚法第六十七条：当事人应当自收到行政处罚决定书之日起十五日内缴纳罚款",
    ),
    (
        "criminal_transfer_followup",
        "涉嫌犯罪案件移送跟踪",
        3,
        "calendar_days",
        "行政执法机关移送涉嫌犯罪案件的规定第八条：公安机关应当自接受移送之日起3日内作出立案或者不予立案的决定",
    ),
)


def load_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, label, amount, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code, defaults={"label": label, "amount": amount, "unit": unit, "basis": basis}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_complaint_deadline_rules'),
    ]

    operations = [
        migrations.RunPython(load_rules, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='roleassignment',
            name='role',
            field=models.CharField(choices=[('inspector', '检查员'), ('case_officer', '执法人员'), ('section_chief', '股室负责人'), ('committee_office', '食药安办'), ('liaison', '成员单位联络员'), ('monitoring', '监测人员'), ('leader', '领导'), ('legal_reviewer', '法制审核人员'), ('system_admin', '系统管理员'), ('security_admin', '安全管理员'), ('audit_admin', '审计管理员')], max_length=24, verbose_name='角色'),
        ),
    ]
