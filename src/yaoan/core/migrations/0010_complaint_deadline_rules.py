"""The clocks of 投诉举报 added to the defaults: mediation of a complaint (45 working days
from acceptance) and the reply to the complainant or reporter (5 working days). Rows an
administrator already has are left alone."""

from django.db import migrations

CODES = ("complaint_mediation", "complaint_reply")


def load_rules(apps, schema_editor):
    from yaoan.core.deadlines import DEFAULT_RULES

    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for code, label, amount, unit, basis in DEFAULT_RULES:
        if code in CODES:
            DeadlineRule.objects.get_or_create(
                code=code,
                defaults={"label": label, "amount": amount, "unit": str(unit), "basis": basis},
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0009_user_is_system_actor")]

    operations = [migrations.RunPython(load_rules, migrations.RunPython.noop)]
