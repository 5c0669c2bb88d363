"""Entity contact phones sealed with SM4-GCM under the key ring, with an HMAC-SM3 blind
index for the list's search by phone; the clear column goes (SECURITY.md S12). See
yaoan.core.pii.migrating."""

from django.db import migrations

import yaoan.core.pii.fields
from yaoan.core.pii.migrating import seal_column_operations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_seal_user_phone"),
        ("registry", "0006_entity_id_cover"),
    ]

    operations = seal_column_operations(
        "registry",
        "Entity",
        "contact_phone",
        yaoan.core.pii.fields.PersonalDataField(
            blank=True, kind="phone", max_length=20, verbose_name="联系电话"
        ),
        index=(
            "contact_phone_index",
            yaoan.core.pii.fields.BlindIndexField(source="contact_phone"),
        ),
    )
