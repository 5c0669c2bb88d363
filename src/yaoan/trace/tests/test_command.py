"""``yaoan trace``: every subcommand end to end, with the registry snapshot and audit."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yaoan.analytics.tests.trace import district as d
from yaoan.common.testing import World
from yaoan.core.actors import os_user, system_actor
from yaoan.core.models import AuditEvent
from yaoan.trace.services import registry_snapshot
from yaoan.trace.tests.factories import trace_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def var(world: World, settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    trace_registry(world)
    return settings.VAR_DIR


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("trace", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_snapshot_carries_registry_entities_licences_and_products(var: Path, world: World) -> None:
    snap = registry_snapshot()
    ours = {world.pharmacy.uscc, world.other_entity.uscc}  # the world's own two, no licences
    assert {e["uscc"] for e in snap["entities"]} == ours | {
        e["uscc"] for e in d.REGISTRY["entities"]
    }
    lapsed = [lic for lic in snap["licences"] if lic["uscc"] == d.LAPSED_PHARMACY]
    assert [(lic["kind"], str(lic["valid_until"])) for lic in lapsed] == [
        ("drug_retail", "2025-06-30")
    ]
    keys = {p["product_key"] for p in snap["products"]}
    assert {d.DRUG, d.VACCINE, d.OTC} <= keys


def test_ingest_loads_audits_and_is_idempotent(var: Path, tmp_path: Path) -> None:
    path = d.write_csv(tmp_path / "events.csv", [*d.clean_rows(), *d.anomaly_rows()])
    out = run("ingest", str(path))
    assert out.startswith(
        f"events.csv\tloaded\t事件 {len(d.clean_rows()) + len(d.anomaly_rows())}\t拒绝 0"
    )
    event = AuditEvent.objects.get(action="trace.file.ingested")
    assert event.object_type == "trace.file"
    assert event.after["file"] == "events.csv"
    assert event.after["events"] == len(d.clean_rows()) + len(d.anomaly_rows())
    assert len(event.after["sha256"]) == 64 and event.object_id == event.after["sha256"]
    assert (event.actor, event.actor_username) == (
        system_actor("trace-command"),
        "system:trace-command",
    )
    assert event.after["os_user"] == os_user()
    assert "duplicate" in run("ingest", str(path))
    assert AuditEvent.objects.filter(action="trace.file.duplicate").count() == 1
    assert (var / "trace" / "registry" / "entities.parquet").exists()


def test_ingest_checks_product_identifiers_against_the_registry(var: Path, tmp_path: Path) -> None:
    path = d.write_csv(tmp_path / "a.csv", [d.row("81111110000000011234", "sell", 5, d.PHARMACY)])
    with pytest.raises(CommandError):
        run("ingest", "--all-or-nothing", str(path))
    event = AuditEvent.objects.get(action="trace.file.rejected")
    assert (event.success, event.after["rejected"]) == (False, 1)
    with open(event.after["reject_file"], encoding="utf-8-sig") as fh:
        assert next(csv.DictReader(fh))["reason"] == "code：追溯码的药品标识码8111111未在产品库登记"


def test_queries_and_anomalies(var: Path, tmp_path: Path) -> None:
    run("ingest", str(d.write_csv(tmp_path / "a.csv", [*d.clean_rows(), *d.anomaly_rows()])))
    assert "销售 仁和大药房" in run("where", d.code(d.DRUG, 1))
    assert "维生素C片" not in run("batch", d.OTC, "B2026")  # rows name entities, not products
    assert "仁和大药房" in run("batch", d.OTC, "B2026")
    assert "购进：" in run("entity", d.CLINIC, "--from", "2026-01-01", "--to", "2026-01-31")
    target = tmp_path / "anomalies.csv"
    run("anomalies", "--out", str(target))
    with target.open(encoding="utf-8-sig") as fh:
        found = {(r["rule"], r["code"], r["entity"]) for r in csv.DictReader(fh)}
    assert found == d.EXPECTED


def test_missing_file_is_a_usage_error(var: Path) -> None:
    with pytest.raises(CommandError, match="文件不存在"):
        run("ingest", "/nonexistent.csv")
