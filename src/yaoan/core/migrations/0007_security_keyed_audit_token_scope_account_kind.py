"""Security (S7, S8, S15), one migration:

- key the audit chain with HMAC-SM3 from the next row on: rows already written keep their
  plain SM3 hashes and verify as before; the head records the first keyed row, and every
  checkpoint written from now on records it too;
- API tokens get a scope (existing tokens keep writing until they expire; new ones default
  to read) and a revocation reason;
- 三员: bind each account to "business" or to its one administrator role, from the roles it
  holds now; enrolment codes for accounts an administrator opened.
"""

from django.db import migrations, models

ADMIN_ROLES = {"system_admin", "security_admin", "audit_admin"}


def key_from_the_next_row(apps, schema_editor):
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    for head in AuditChainHead.objects.all():
        head.keyed_from_seq = head.last_seq + 1
        head.save(update_fields=["keyed_from_seq"])


def bind_accounts(apps, schema_editor):
    User = apps.get_model("core", "User")
    RoleAssignment = apps.get_model("core", "RoleAssignment")
    roles: dict[int, set[str]] = {}
    for user_id, role in RoleAssignment.objects.values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    for user_id, held in roles.items():
        admin = held & ADMIN_ROLES
        kind = sorted(admin)[0] if admin else "business"
        User.objects.filter(pk=user_id).update(account_kind=kind)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_attachment'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditchainhead',
            name='keyed_from_seq',
            field=models.PositiveBigIntegerField(default=1),
        ),
        migrations.RunPython(key_from_the_next_row, migrations.RunPython.noop),
        migrations.AddField(
            model_name='apitoken',
            name='revoked_reason',
            field=models.CharField(blank=True, max_length=30, verbose_name='撤销原因'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='scope',
            field=models.CharField(choices=[('read', '只读'), ('write', '读写')], default='write', max_length=8, verbose_name='权限'),
        ),
        # tokens issued before scopes existed could write: they keep doing so until they
        # expire; a new token is read-only unless its owner chooses otherwise (S7)
        migrations.AlterField(
            model_name='apitoken',
            name='scope',
            field=models.CharField(choices=[('read', '只读'), ('write', '读写')], default='read', max_length=8, verbose_name='权限'),
        ),
        migrations.AddField(
            model_name='user',
            name='account_kind',
            field=models.CharField(blank=True, max_length=24, verbose_name='账号类别'),
        ),
        migrations.AddField(
            model_name='user',
            name='enrolment_code_digest',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='user',
            name='enrolment_code_required',
            field=models.BooleanField(default=False, verbose_name='须凭登记码绑定'),
        ),
        migrations.RunPython(bind_accounts, migrations.RunPython.noop),
    ]
