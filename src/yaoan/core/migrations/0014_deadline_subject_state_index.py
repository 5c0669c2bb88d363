"""Deadline records looked up by their record and state in one index (the lists' per-row
clock look-ups at 50,000 cases; benchmarks/cases.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0013_case_transfer_supervision_rules'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='deadline',
            name='core_deadline_subject',
        ),
        migrations.AddIndex(
            model_name='deadline',
            index=models.Index(fields=['subject_id', 'subject_type', 'state', 'due_on'], name='core_deadline_subject_state'),
        ),
    ]
