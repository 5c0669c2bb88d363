"""Staff phones sealed with SM4-GCM under the key ring, with an HMAC-SM3 blind index; the
clear column goes (SECURITY.md S12). See yaoan.core.pii.migrating."""

from django.db import migrations

import yaoan.core.pii.fields
from yaoan.core.pii.migrating import seal_column_operations


class Migration(migrations.Migration):
    dependencies = [("core", "0004_document_templates_and_generated_documents")]

    operations = seal_column_operations(
        "core",
        "User",
        "phone",
        yaoan.core.pii.fields.PersonalDataField(
            blank=True, kind="phone", max_length=20, verbose_name="手机号"
        ),
        index=("phone_index", yaoan.core.pii.fields.BlindIndexField(source="phone")),
    )
