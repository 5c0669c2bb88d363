"""The migrations that seal the phones, on a database that has clear phones in it: run in
a fresh SQLite database of its own (child processes), never the test database. On
PostgreSQL the same check runs by hand: see the module's ``main``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BEFORE = [
    ("core", "0002_audit_append_only_and_deadline_rules"),
    ("registry", "0006_entity_id_cover"),
]
PHONES = {"user": "13600001111", "entity": "13912345678"}

FILL = f"""
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
apps = MigrationExecutor(connection).loader.project_state({BEFORE!r}).apps
OrgUnit = apps.get_model("core", "OrgUnit")
Subdistrict = apps.get_model("core", "Subdistrict")
User = apps.get_model("core", "User")
Entity = apps.get_model("registry", "Entity")
station = OrgUnit.objects.create(code="s1", name="东城所", kind="station")
sub = Subdistrict.objects.create(code="350100001", name="东城街道", kind="street", station=station)
User.objects.create(username="wang", display_name="王五", phone={PHONES["user"]!r})
User.objects.create(username="li", display_name="李四", phone="")
Entity.objects.create(
    name="仁和大药房", name_initials="RHDYF", uscc="91350100M000100Y43",
    entity_type="retail_pharmacy", subdistrict=sub, address="东城路1号",
    legal_representative="赵某", contact_phone={PHONES["entity"]!r},
)
"""

CHECK = f"""
import re, django
django.setup()
from django.db import connection
from yaoan.core.models import User
from yaoan.core.pii.fields import matches
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_matching
assert User.objects.get(username="wang").phone == {PHONES["user"]!r}
assert User.objects.get(username="li").phone == ""
assert Entity.objects.get().contact_phone == {PHONES["entity"]!r}
assert User.objects.filter(matches(User, "phone", {PHONES["user"]!r})).count() == 1
assert entities_matching(Entity.objects.all(), {PHONES["entity"]!r}).count() == 1
# the hand-made search index of earlier migrations survived (the table was not rebuilt)
assert entities_matching(Entity.objects.all(), "仁和大药").count() == 1
with connection.cursor() as cursor:
    for table in ("core_user", "registry_entity"):
        cursor.execute(f"SELECT * FROM {{table}}")
        text = repr(cursor.fetchall())
        for phone in {list(PHONES.values())!r}:
            assert phone not in text, (table, phone)
print("sealed")
"""  # noqa: S608 -- the table names are literals of this check


def run(args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def migrate_with_clear_phones(env: dict[str, str], cwd: Path) -> str:
    yaoan = [sys.executable, "-m", "yaoan"]
    for app, name in BEFORE:
        run([*yaoan, "migrate", app, name, "-v0"], env, cwd)
    run([sys.executable, "-c", FILL], env, cwd)
    run([*yaoan, "migrate", "-v0"], env, cwd)
    return run([sys.executable, "-c", CHECK], env, cwd)


@pytest.mark.skipif(sys.platform == "win32", reason="child processes with a POSIX env")
def test_existing_clear_phones_are_sealed_and_the_clear_columns_go(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        YAOAN_VAR_DIR=str(tmp_path),
        YAOAN_SECRET_KEY="test-only",
        DJANGO_SETTINGS_MODULE="yaoan.settings",
    )
    assert "sealed" in migrate_with_clear_phones(env, tmp_path)


def main() -> None:
    """``python -m yaoan.core.tests.test_pii_migration`` with DATABASE_URL pointing at an
    empty PostgreSQL database: the same check there."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="yaoan.settings")
    env.setdefault("YAOAN_SECRET_KEY", "check-only")
    print(migrate_with_clear_phones(env, Path.cwd()))


if __name__ == "__main__":
    main()
