"""Install the default frequency and key-list rules (plans.defaults), with their sources.

Idempotent: a rule already present is left as configured. Reversing leaves the rules in
place (they may have been edited since; deleting them would lose that)."""

from django.db import migrations


def install(apps, schema_editor):
    from yaoan.plans.defaults import seed_defaults

    seed_defaults(apps.get_model("plans", "FrequencyRule"), apps.get_model("plans", "KeyListRule"))


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
