"""S23 drill: back up, wipe the database and the stored files, restore, and find the same
rows, the same files (by digest) and an intact audit chain; a backup that was altered is
refused, naming the file; keys are never in a backup."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from yaoan.common.testing import UserFactory
from yaoan.core.backup import MANIFEST, digest_of, prune
from yaoan.core.enums import Role
from yaoan.core.jobs import create_job
from yaoan.core.models import AuditEvent, BackgroundJob, User

# like the other transactional tests here: the next one then finds the migrated rows again
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def var_dir(settings, tmp_path: Path) -> Path:
    """A var dir of its own with stored files of every kind and the key files beside them."""
    var = tmp_path / "var"
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "files"
    settings.BACKUP_DIR = tmp_path / "backups"
    (var / "trace" / "events").mkdir(parents=True)
    (var / "trace" / "events" / "part-0.parquet").write_bytes(os.urandom(4096))
    (var / "files" / "documents").mkdir(parents=True)
    (var / "files" / "documents" / "通知书.docx").write_bytes(b"PK\x03\x04 a document")
    (var / "static").mkdir()
    (var / "static" / "app.css").write_text("body{}")  # regenerated: not data
    (var / "bench" / "sqlite").mkdir(parents=True)
    (var / "bench" / "sqlite" / "big.bin").write_bytes(b"a benchmark's district")
    for key in ("secret_key", "pii_keys.json", "audit_key"):
        (var / key).write_text(f"{key}-do-not-copy")
    return var


def some_data() -> None:
    owner = UserFactory(roles=[Role.INSPECTOR])
    UserFactory.create_batch(3)
    for n in range(3):
        create_job(actor=owner, kind="tests.backup", input_name=f"{n}.csv", content=b"a,b\n" * n)


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "jobs": BackgroundJob.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def digests(var: Path) -> dict[str, str]:
    return {
        p.relative_to(var).as_posix(): digest_of(p, "").sha256
        for p in sorted(var.rglob("*"))
        if p.is_file()
        and p.name not in {"secret_key", "pii_keys.json", "audit_key"}
        and not {"static", "bench"} & set(p.relative_to(var).parts)
    }


def backup_to(destination: Path) -> Path:
    out = io.StringIO()
    call_command("backup", "--to", str(destination), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def wipe_database() -> None:
    connections.close_all()
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def needs_tools() -> None:
    if connection.vendor == "postgresql":
        missing = [t for t in ("pg_dump", "pg_restore") if shutil.which(t) is None]
        if missing:
            pytest.skip(f"PostgreSQL backup needs {', '.join(missing)} on PATH")


def test_drill_backup_wipe_restore(var_dir: Path, tmp_path: Path) -> None:
    needs_tools()
    some_data()
    before_counts, before_files = counts(), digests(var_dir)
    path = backup_to(tmp_path / "out")
    assert path.parent == tmp_path / "out" and path.name.startswith("yaoan-backup-")

    wipe_database()
    shutil.rmtree(var_dir / "files")
    shutil.rmtree(var_dir / "trace")
    (var_dir / "files").mkdir()
    (var_dir / "files" / "stray.txt").write_text("written after the backup")
    call_command("restore", str(path), "--yes", stdout=io.StringIO())

    after = counts()
    # the backup's system actor (core.actors) is created, and its creation audited, before
    # the snapshot, so both are in the backup
    assert after["users"] == before_counts["users"] + 1
    assert User.objects.filter(username="system:backup", is_system_actor=True).exists()
    assert after["jobs"] == before_counts["jobs"]
    # the backup's own event was written after it was taken; the restore adds its own
    assert after["audit"] == before_counts["audit"] + 2
    restored = AuditEvent.objects.order_by("-seq").first()
    assert (restored.action, restored.actor_username) == ("core.backup.restored", "system:backup")
    assert digests(var_dir) == before_files
    assert (var_dir / "secret_key").read_text() == "secret_key-do-not-copy"  # kept in place
    call_command("audit", "verify", stdout=io.StringIO())  # raises CommandError if broken


def test_the_manifest_lists_every_file_with_digests_and_no_key_is_copied(
    var_dir: Path, tmp_path: Path
) -> None:
    needs_tools()
    some_data()
    path = backup_to(tmp_path / "out")
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == {
        p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()
    } - {MANIFEST}
    assert "var/trace/events/part-0.parquet" in listed
    assert "var/files/documents/通知书.docx" in listed
    assert not any("static" in p or "key" in p or "bench" in p for p in listed)
    entry = listed["var/trace/events/part-0.parquet"]
    found = digest_of(var_dir / "trace" / "events" / "part-0.parquet", "")
    assert (entry["sha256"], entry["sm3"], entry["size"]) == (found.sha256, found.sm3, 4096)
    assert manifest["keys_kept_apart"] == ["audit_key", "pii_keys.json", "secret_key"]
    assert manifest["counts"]["core.User"] == User.objects.count()
    assert not any(b"do-not-copy" in p.read_bytes() for p in path.rglob("*") if p.is_file())


def test_an_altered_backup_is_refused_naming_the_file(var_dir: Path, tmp_path: Path) -> None:
    needs_tools()
    some_data()
    path = backup_to(tmp_path / "out")
    before = counts()
    document = path / "var" / "files" / "documents" / "通知书.docx"
    document.write_bytes(document.read_bytes() + b"!")
    with pytest.raises(CommandError, match=re.escape("var/files/documents/通知书.docx: digest")):
        call_command("restore", str(path), "--yes")
    assert counts() == before  # nothing replaced


def test_restore_without_yes_refuses_and_explains(var_dir: Path, tmp_path: Path) -> None:
    needs_tools()
    path = backup_to(tmp_path / "out")
    UserFactory()
    before = counts()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    assert counts() == before


def test_retention_keeps_the_newest_complete_backups(tmp_path: Path) -> None:
    for name in ("20261201-023000", "20261202-023000", "20261203-023000"):
        (tmp_path / f"yaoan-backup-{name}").mkdir()
        (tmp_path / f"yaoan-backup-{name}" / MANIFEST).write_text("{}")
    (tmp_path / "yaoan-backup-20261204-023000.partial").mkdir()
    removed = prune(tmp_path, keep=2)
    assert [p.name for p in removed] == ["yaoan-backup-20261201-023000"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "yaoan-backup-20261202-023000",
        "yaoan-backup-20261203-023000",
        "yaoan-backup-20261204-023000.partial",
    ]
