# Inspector profiles and conflicts of interest are the staff app's now (staff 0001 takes
# over the existing tables with their rows): forget them here without touching the data.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("draws", "0003_draw_visit_period"),
        ("staff", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="InspectorConflict"),
                migrations.DeleteModel(name="InspectorProfile"),
            ],
            database_operations=[],
        ),
    ]
