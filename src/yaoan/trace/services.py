"""The trace app's business actions: refresh the registry snapshot the engine reads, load
trace files (each load audited with the file's digest and counts), and the background
load of an uploaded file. The events themselves go to the Parquet store, never to ORM rows.

Who may load (trace.rules.can_ingest_trace) is checked here, on every way in: an upload
when it is submitted and again when the worker runs it (the uploader may have lost the
role meanwhile), and ``yaoan trace ingest``, which acts as the system actor
"trace-command" (core.actors) holding a loader's role.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from yaoan.analytics.trace import ingest
from yaoan.analytics.trace.store import Store
from yaoan.core import audit
from yaoan.core.jobs import JobStatus, create_job, finish_job, set_progress
from yaoan.core.models import BackgroundJob, User
from yaoan.registry.models import Entity, Licence, Product
from yaoan.trace.queries import trace_store
from yaoan.trace.rules import can_ingest_trace

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


def require_loader(actor: User) -> None:
    if not can_ingest_trace(actor):
        raise PermissionDenied(_("您无权导入追溯数据。"))


def _audit_load(actor: User, result: ingest.IngestResult, detail: Mapping[str, Any] | None) -> None:
    after = {
        **(detail or {}),
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
            object_type="trace.file",
            object_id=result.digest,
            after=after,
            success=result.status != "rejected",
        )


def ingest_files(
    *,
    actor: User,
    paths: Sequence[str | os.PathLike[str]],
    strict: bool = False,
    run_rules: bool = True,
    names: dict[str, str] | None = None,
    store: Store | None = None,
    progress: Callable[[str], Callable[[str], None]] = ingest.stderr_progress,
    detail: Mapping[str, Any] | None = None,
) -> list[ingest.IngestResult]:
    """Load trace files into the store: the registry snapshot first (the rules and the
    product-identifier check read it), then each file whole or not at all, each audited
    (with ``detail`` added, e.g. the OS user who ran the command)."""
    require_loader(actor)
    store = store or trace_store()
    refresh_registry_snapshot(store)
    results = []
    for path in paths:
        (result,) = ingest.ingest(
            store, [path], strict=strict, run_rules=run_rules, names=names, progress=progress
        )
        _audit_load(actor, result, detail)
        results.append(result)
    return results


def submit_upload(*, actor: User, name: str, content: bytes, strict: bool) -> BackgroundJob:
    """Keep the uploaded file outside the web root and queue its load (core.jobs)."""
    require_loader(actor)
    job = create_job(actor=actor, kind=INGEST_JOB_KIND, input_name=name, content=content)
    job.result = {**job.result, "all_or_nothing": strict}
    job.save(update_fields=["result"])
    return job


def run_upload(job: BackgroundJob) -> ingest.IngestResult | None:
    """The task worker's part: load the job's file, reporting progress on the job. None
    when the uploader may no longer load (the job fails, saying so; nothing is loaded)."""
    if not can_ingest_trace(job.created_by):
        _refuse(job)
        return None

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


@transaction.atomic
def _refuse(job: BackgroundJob) -> None:
    message = _("提交人已无导入追溯数据的权限，文件未导入。")
    finish_job(job, JobStatus.FAILED, message)
    audit.record(
        "trace.ingest.refused",
        actor=job.created_by,
        obj=job,
        success=False,
        reason=message,
        after={"file": job.input_name},
    )
