"""A natural person as the party of a case: name, ID number and address sealed (S10)."""

import yaoan.core.pii.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_penalty'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='person_address',
            field=yaoan.core.pii.fields.PersonalDataField(blank=True, kind='text', max_length=200, verbose_name='当事人住址'),
        ),
        migrations.AddField(
            model_name='case',
            name='person_id_number',
            field=yaoan.core.pii.fields.PersonalDataField(blank=True, kind='id_number', max_length=30, verbose_name='当事人身份证件号码'),
        ),
        migrations.AddField(
            model_name='case',
            name='person_name',
            field=yaoan.core.pii.fields.PersonalDataField(blank=True, kind='name', max_length=50, verbose_name='当事人姓名'),
        ),
    ]
