"""The trace app's business actions: refresh the registry snapshot the engine reads, load
trace files (each load audited with the file's digest and counts), and the background
load of an uploaded file. The events themselves go to the Parquet store, never to ORM rows.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yaoan.analytics.trace import ingest
from yaoan.analytics.trace.store import Store
from yaoan.core import audit
from yaoan.core.jobs import JobStatus, create_job, finish_job, set_progress
from yaoan.core.models import BackgroundJob, User
from yaoan.registry.models import Entity, Licence, Product
from yaoan.trace.queries import trace_store

INGEST_JOB_KIND = "trace.ingest"
ACTIONS = {
    "loaded": "trace.file.ingested",
    "duplicate": "trace.file.duplicate",
    "rejected": "trace.file.rejected",
}


def _gtin14(value: str) -> str:
    """UDI-DIs are stored as typed; trace codes carry the GTIN as 14 digits."""
    text = value.strip()
    return text.zfill(14) if text.isdigit() and len(text) in (8, 12, 13) else text


def registry_snapshot() -> dict[str, list[dict[str, Any]]]:
    """The registry as the engine reads it (store.SCHEMAS: entities, licences, products)."""
    entities = [
        {
            "uscc": e["uscc"],
            "name": e["name"],
            "entity_type": e["entity_type"],
            "status": e["status"],
            "station_id": e["subdistrict__station_id"],
            "handles_special_drugs": e["handles_special_drugs"],
            "handles_cold_chain": e["handles_cold_chain"],
        }
        for e in Entity.objects.filter(is_deleted=False).values(
            "uscc",
            "name",
            "entity_type",
            "status",
            "subdistrict__station_id",
            "handles_special_drugs",
            "handles_cold_chain",
        )
    ]
    licences = [
        {
            "uscc": lic["entity__uscc"],
            "kind": lic["kind"],
            "valid_from": lic["valid_from"],
            "valid_until": lic["valid_until"],
            "status": lic["status"],
        }
        for lic in Licence.objects.filter(entity__is_deleted=False).values(
            "entity__uscc", "kind", "valid_from", "valid_until", "status"
        )
    ]
    products = []
    for p in Product.objects.all():
        keys = {p.product_identifier.strip(), _gtin14(p.udi_di), p.approval_number.strip()}
        for key in sorted(k for k in keys if k):
            products.append(
                {
                    "product_key": key,
                    "product_id": p.pk,
                    "name": p.name,
                    "product_class": p.product_class,
                    "special_drug_kind": p.special_drug_kind,
                    "is_prescription": p.is_prescription,
                    "is_vaccine": p.is_vaccine,
                    "is_cold_chain": p.is_cold_chain,
                }
            )
    return {"entities": entities, "licences": licences, "products": products}


def refresh_registry_snapshot(store: Store | None = None) -> dict[str, int]:
    """Write the registry snapshot next to the store (read-only for the registry)."""
    tables = registry_snapshot()
    (store or trace_store()).write_registry(tables)
    return {name: len(rows) for name, rows in tables.items()}


def _audit_load(actor: User | None, result: ingest.IngestResult) -> None:
    after = {
        "file": result.name,
        "sha256": result.digest,
        "kind": result.kind,
        "status": result.status,
        "events": result.events,
        "rejected": result.rejected,
        "reject_file": result.reject_file,
        "message": result.message,
    }
    with transaction.atomic():
        audit.record(
            ACTIONS[result.status],
            actor=actor,
            actor_username="" if actor else f"cli:{_os_user()}",
            object_type="trace.file",
            object_id=result.digest,
            after=after,
            success=result.status != "rejected",
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def ingest_files(
    *,
    actor: User | None,
    paths: Sequence[str | os.PathLike[str]],
    strict: bool = False,
    run_rules: bool = True,
    names: dict[str, str] | None = None,
    store: Store | None = None,
    progress: Callable[[str], Callable[[str], None]] = ingest.stderr_progress,
) -> list[ingest.IngestResult]:
    """Load trace files into the store: the registry snapshot first (the rules and the
    product-identifier check read it), then each file whole or not at all, each audited."""
    store = store or trace_store()
    refresh_registry_snapshot(store)
    results = []
    for path in paths:
        (result,) = ingest.ingest(
            store, [path], strict=strict, run_rules=run_rules, names=names, progress=progress
        )
        _audit_load(actor, result)
        results.append(result)
    return results


def submit_upload(*, actor: User, name: str, content: bytes, strict: bool) -> BackgroundJob:
    """Keep the uploaded file outside the web root and queue its load (core.jobs)."""
    job = create_job(actor=actor, kind=INGEST_JOB_KIND, input_name=name, content=content)
    job.result = {**job.result, "all_or_nothing": strict}
    job.save(update_fields=["result"])
    return job


def run_upload(job: BackgroundJob) -> ingest.IngestResult:
    """The task worker's part: load the job's file, reporting progress on the job."""

    def progress(_name: str) -> Callable[[str], None]:
        return lambda message: set_progress(job, 0, 0, message)

    (result,) = ingest_files(
        actor=job.created_by,
        paths=[job.input_path],
        strict=bool(job.result.get("all_or_nothing")),
        names={job.input_path: job.input_name},
        progress=progress,
    )
    status = JobStatus.FAILED if result.status == "rejected" else JobStatus.SUCCEEDED
    message = {
        "loaded": _("已导入 %(events)s 个追溯事件，%(rejected)s 条记录不合格。"),
        "duplicate": _("该文件已导入过，未重复导入。"),
        "rejected": _("文件未导入：%(message)s"),
    }[result.status] % {
        "events": result.events,
        "rejected": result.rejected,
        "message": result.message,
    }
    output = result.reject_file if result.reject_file and Path(result.reject_file).exists() else ""
    finish_job(job, status, message, output_path=output, result=result.as_dict())
    return result
