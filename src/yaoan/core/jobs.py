"""Background jobs: their files live under var/files/jobs, outside any web root (S22);
their state changes are small atomic writes the owner's page polls.

A running job holds a lease its worker renews (``set_progress``, ``heartbeat``). A worker
killed mid-run stops renewing it; once the lease has run out the job is ended as
interrupted (``expire_stale_jobs``: at each task start, on the owner's page and by
``yaoan jobs expire``) and its owner may retry it (``retry_job``), which queues the same
stored input again through the task recorded by ``enqueue_job``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.actors import system_actor
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
    """Progress for the owner's page; renews the lease (a worker that reports is alive)."""
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        progress_done=done,
        progress_total=total,
        message=message,
        lease_until=_lease_end(),
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
    job.lease_until = None
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
            "lease_until",
        ]
    )


# --- leases, interruption and retry --------------------------------------------------

INTERRUPTED = "interrupted"  # result key: the job was ended because its lease ran out
JOBS_ACTOR = "jobs"  # the system actor (core.actors) of the check that ends dead jobs


class Enqueueable(Protocol):
    @property
    def module_path(self) -> str: ...

    def enqueue(self, *args: Any) -> object: ...


def lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", 600))


def _lease_end() -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=lease_seconds())


def enqueue_job(job: BackgroundJob, task: Enqueueable, *args: Any) -> None:
    """Queue ``task(*args)`` for the job and note it on the job, so a retry can queue the
    same thing again. Call it after the job's row is committed."""
    submitted = sorted(k for k in job.result if k != "task")
    job.result = {**job.result, "task": {"path": task.module_path, "args": list(args)}}
    job.result["task"]["kept"] = submitted
    BackgroundJob.objects.filter(pk=job.pk).update(result=job.result)
    task.enqueue(*args)


def start_job(job: BackgroundJob) -> None:
    """The worker's claim at the start of a run: running, with a fresh lease. Jobs whose
    workers died are ended first (this is the worker's periodic check)."""
    expire_stale_jobs()
    job.status = JobStatus.RUNNING
    job.lease_until = _lease_end()
    job.attempts += 1
    job.save(update_fields=["status", "lease_until", "attempts"])


def heartbeat(job: BackgroundJob) -> None:
    """Renew the lease during a long step that reports no progress."""
    BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        lease_until=_lease_end()
    )


def interrupted_message() -> str:
    return _("处理进程中断：后台任务在运行中停止，结果未完成。可以重试。")


def expire_stale_jobs(now: dt.datetime | None = None) -> int:
    """End every running job whose lease ran out (its worker died): error, with the
    reason, audited. Returns how many were ended."""
    now = now or timezone.now()
    ended = 0
    stale = BackgroundJob.objects.filter(status=JobStatus.RUNNING, lease_until__lt=now)
    for job_id in stale.values_list("pk", flat=True):
        ended += _expire(job_id, now)
    return ended


def refresh_if_stale(job: BackgroundJob) -> BackgroundJob:
    """For the owner's page: a job whose worker died is shown as interrupted."""
    if job.status == JobStatus.RUNNING and job.lease_until and job.lease_until < timezone.now():
        _expire(job.pk, timezone.now())
        job.refresh_from_db()
    return job


@transaction.atomic
def _expire(job_id: int, now: dt.datetime) -> int:
    job = (
        BackgroundJob.objects.select_for_update()
        .filter(pk=job_id, status=JobStatus.RUNNING, lease_until__lt=now)
        .first()
    )
    if job is None:
        return 0  # renewed or finished meanwhile
    lease_until = job.lease_until
    job.status = JobStatus.ERROR
    job.message = interrupted_message()
    job.finished_at = now
    job.lease_until = None
    job.result = {**job.result, INTERRUPTED: True}
    job.save(update_fields=["status", "message", "finished_at", "lease_until", "result"])
    audit.record(
        f"{job.kind}.interrupted",
        actor=system_actor(JOBS_ACTOR),
        obj=job,
        success=False,
        before={"status": JobStatus.RUNNING, "lease_until": lease_until},
        after={"status": JobStatus.ERROR},
        reason=job.message,
    )
    return 1


def retryable(job: BackgroundJob) -> bool:
    """Ended in error (a dead worker or a fault in the code) with its input still stored."""
    return (
        job.status == JobStatus.ERROR
        and "task" in job.result
        and bool(job.input_path)
        and Path(job.input_path).is_file()
    )


def can_retry(job: BackgroundJob, user: User) -> bool:
    return job.created_by_id == user.pk and retryable(job)


def retry_job(job: BackgroundJob, *, actor: User) -> BackgroundJob:
    """Queue a job that ended in error (a dead worker or a system fault) again with the
    input it was given. Only its owner may; the audit row names the attempt."""
    with transaction.atomic():
        job = BackgroundJob.objects.select_for_update().get(pk=job.pk)
        if job.created_by_id != actor.pk:
            raise PermissionDenied(_("只有提交人可以重试此任务"))
        if not can_retry(job, actor):
            raise ValidationError(_("此任务不能重试：只有出错的任务可以重试"), code="not_retryable")
        before = {"status": job.status, "message": job.message}
        task = job.result["task"]
        job.result = {k: job.result[k] for k in [*task["kept"], "task"] if k in job.result}
        job.status = JobStatus.QUEUED
        job.message = ""
        job.finished_at = None
        job.lease_until = None
        job.progress_done = job.progress_total = 0
        job.output_path = ""
        job.save()
        audit.record(
            f"{job.kind}.retried",
            actor=actor,
            obj=job,
            before=before,
            after={"status": JobStatus.QUEUED, "attempt": job.attempts + 1},
        )
    import_string(task["path"]).enqueue(*task["args"])
    return job
