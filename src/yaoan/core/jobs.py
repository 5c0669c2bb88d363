"""Background jobs: their files live under var/files/jobs, outside any web root (S22);
their state changes are small atomic writes the owner's page polls."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yaoan.core import audit
from yaoan.core.models import BackgroundJob, User

JobStatus = BackgroundJob.Status


def job_dir(job: BackgroundJob) -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def create_job(
    *,
    actor: User,
    kind: str,
    input_name: str,
    content: bytes,
    options: Mapping[str, Any] | None = None,
) -> BackgroundJob:
    """``options`` are the submitter's choices for the run (e.g. an import's mode), kept
    in the job's result and its audit row."""
    job = BackgroundJob.objects.create(kind=kind, created_by=actor, input_name=input_name[:200])
    path = job_dir(job) / "input.bin"
    path.write_bytes(content)
    job.input_path = str(path)
    job.result = {"input_sm3": audit.sm3_hex(content)}
    chosen = {"options": dict(options)} if options else {}
    job.result.update(chosen)
    job.save(update_fields=["input_path", "result"])
    audit.record(
        f"{kind}.submitted",
        actor=actor,
        obj=job,
        after={
            "file": input_name,
            "bytes": len(content),
            "sm3": job.result["input_sm3"],
            **chosen,
        },
    )
    return job


def set_progress(job: BackgroundJob, done: int, total: int, message: str = "") -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress_done=done, progress_total=total, message=message
    )


def finish_job(
    job: BackgroundJob,
    status: str,
    message: str,
    *,
    output_path: str = "",
    result: dict[str, Any] | None = None,
) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.output_path = output_path
    job.result = {**job.result, **(result or {})}
    job.save(
        update_fields=[
            "status",
            "message",
            "finished_at",
            "output_path",
            "result",
            "progress_done",
            "progress_total",
        ]
    )
