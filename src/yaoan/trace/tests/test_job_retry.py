"""A trace upload whose worker was killed: the job API reports it interrupted and
retryable, and the owner's retry loads the same file (core.jobs leases)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from yaoan.analytics.tests.trace import district as d
from yaoan.common.testing import World
from yaoan.core.jobs import enqueue_job, start_job
from yaoan.core.models import BackgroundJob
from yaoan.core.services import issue_api_token
from yaoan.trace import services
from yaoan.trace.tasks import ingest_upload_task
from yaoan.trace.tests.factories import trace_registry

pytestmark = pytest.mark.django_db
API = "/api/trace"


class KilledWorker:
    """A worker that took the job and was killed at once: claimed, then nothing."""

    module_path = ingest_upload_task.module_path

    def __init__(self, job: BackgroundJob):
        self.job = job

    def enqueue(self, *args: object) -> None:
        start_job(self.job)


def test_an_interrupted_upload_is_reported_and_its_retry_loads_the_file(
    client: Client, world: World, settings, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "var" / "files"
    trace_registry(world)
    owner = world.chief
    headers = {"Authorization": f"Bearer {issue_api_token(user=owner, name='测试')[1]}"}
    content = json.dumps(d.vaccine_doc([31], [5.0, 11.0])).encode()
    job = services.submit_upload(actor=owner, name="v.jsonld", content=content, strict=True)
    enqueue_job(job, KilledWorker(job), job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )

    status = client.get(f"{API}/jobs/{job.pk}", headers=headers).json()
    assert status["status"] == "error"
    assert status["message"].startswith("处理进程中断")
    assert status["retryable"] is True
    assert "task" not in status["result"]

    response = client.post(f"{API}/jobs/{job.pk}/retry", headers=headers)
    assert response.status_code == 202, response.content
    job.refresh_from_db()  # the test queue runs the task at once
    assert (job.status, job.result["events"], job.attempts) == ("succeeded", 4, 2)
    again = client.post(f"{API}/jobs/{job.pk}/retry", headers=headers)
    assert again.status_code == 422  # a finished job is not retried
