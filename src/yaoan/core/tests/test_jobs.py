"""Job leases: a worker that dies mid-run leaves a job whose lease runs out; the job is
then ended as interrupted (not left "running" forever), audited, and its owner may retry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.common.testing import UserFactory
from yaoan.core.actors import system_actor
from yaoan.core.enums import Role
from yaoan.core.jobs import (
    JobStatus,
    can_retry,
    create_job,
    expire_stale_jobs,
    heartbeat,
    refresh_if_stale,
    retry_job,
    set_progress,
    start_job,
)
from yaoan.core.models import AuditEvent, BackgroundJob

KIND = "tests.job"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.JOB_LEASE_SECONDS = 60


def a_job(user) -> BackgroundJob:
    job = create_job(actor=user, kind=KIND, input_name="a.csv", content=b"a,b\n")
    job.result = {**job.result, "task": {"path": "x.y", "args": [job.pk], "kept": ["input_sm3"]}}
    job.save(update_fields=["result"])
    return job


def worker_died(job: BackgroundJob, seconds_ago: int = 61) -> None:
    """A worker that claimed the job and was killed: its last renewal is long past."""
    start_job(job)
    set_progress(job, 10, 100, "正在检查第 10 / 100 行…")
    past = timezone.now() - dt.timedelta(seconds=seconds_ago)
    BackgroundJob.objects.filter(pk=job.pk).update(lease_until=past)


def test_a_claimed_job_holds_a_lease_that_progress_and_heartbeat_renew(inspector):
    job = a_job(inspector)
    before = timezone.now()
    start_job(job)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.attempts == 1
    assert before + dt.timedelta(seconds=59) < job.lease_until
    BackgroundJob.objects.filter(pk=job.pk).update(lease_until=before)
    heartbeat(job)
    job.refresh_from_db()
    assert job.lease_until > before + dt.timedelta(seconds=59)


def test_a_job_whose_worker_died_is_ended_as_interrupted_and_audited(inspector):
    dead, alive = a_job(inspector), a_job(inspector)
    worker_died(dead)
    BackgroundJob.objects.filter(pk=alive.pk).update(
        status=JobStatus.RUNNING, lease_until=timezone.now() + dt.timedelta(seconds=30)
    )
    assert expire_stale_jobs() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.ERROR
    assert dead.message.startswith("处理进程中断")
    assert dead.result["interrupted"] is True
    assert dead.lease_until is None
    assert dead.finished_at is not None
    assert alive.status == JobStatus.RUNNING
    event = AuditEvent.objects.get(action=f"{KIND}.interrupted")
    assert event.object_id == str(dead.pk)
    assert event.actor_username == "system:jobs"
    assert event.actor == system_actor("jobs")
    assert event.success is False
    assert expire_stale_jobs() == 0  # once


def test_the_owners_page_sees_a_dead_job_without_waiting_for_the_check(inspector):
    job = a_job(inspector)
    worker_died(job)
    job.refresh_from_db()  # as the page reads it
    assert refresh_if_stale(job).status == JobStatus.ERROR
    fresh = a_job(inspector)
    start_job(fresh)
    assert refresh_if_stale(fresh).status == JobStatus.RUNNING


def test_a_job_within_its_lease_is_not_touched(inspector):
    job = a_job(inspector)
    worker_died(job, seconds_ago=-30)  # lease still 30 s ahead
    assert expire_stale_jobs() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_only_the_owner_may_retry_and_only_a_job_in_error(inspector, station):
    job = a_job(inspector)
    other = UserFactory(org_unit=station, roles=[Role.INSPECTOR])
    assert not can_retry(job, inspector)  # queued, not in error
    with pytest.raises(ValidationError):
        retry_job(job, actor=inspector)
    worker_died(job)
    expire_stale_jobs()
    job.refresh_from_db()
    assert can_retry(job, inspector)
    assert not can_retry(job, other)
    with pytest.raises(PermissionDenied):
        retry_job(job, actor=other)


def test_a_worker_starting_a_job_ends_the_dead_ones_first(inspector):
    dead, next_one = a_job(inspector), a_job(inspector)
    worker_died(dead)
    start_job(next_one)
    dead.refresh_from_db()
    assert dead.status == JobStatus.ERROR
