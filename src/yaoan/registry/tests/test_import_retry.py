"""An entity import whose worker was killed mid-run: the page says so, and the owner's
retry runs the same file again to the end (core.jobs leases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.enums import Role
from yaoan.core.jobs import enqueue_job, start_job
from yaoan.core.models import AuditEvent, BackgroundJob
from yaoan.core.tabular.runner import submit_import
from yaoan.core.tabular.tasks import run_import_task
from yaoan.registry.imports import ENTITY_IMPORT, IMPORT_JOB_KIND
from yaoan.registry.models import Entity
from yaoan.registry.tests.test_import_export import filled_template, row_for


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


class KilledWorker:
    """The queue as seen through a worker that took the job and was killed at once: the
    job is claimed (running, leased) and nothing more happens."""

    module_path = run_import_task.module_path

    def __init__(self, job: BackgroundJob):
        self.job = job

    def enqueue(self, *args: object) -> None:
        start_job(self.job)


def test_a_killed_import_is_shown_interrupted_and_its_retry_imports_the_file(
    client, inspector, subdistrict
):
    sign_in(client, inspector)
    content = filled_template(client, [row_for(subdistrict, 名称="重试大药房")])
    job = submit_import(
        ENTITY_IMPORT, actor=inspector, name="a.xlsx", content=content, mode="all_or_nothing"
    )
    enqueue_job(job, KilledWorker(job), job.pk, ENTITY_IMPORT.path)
    page = client.get(f"/registry/entities/import/{job.pk}/").content.decode()
    assert "进行中" in page and "retry-job" not in page  # the lease has not run out yet

    past = timezone.now() - dt.timedelta(seconds=1)
    BackgroundJob.objects.filter(pk=job.pk).update(lease_until=past)
    page = client.get(f"/registry/entities/import/{job.pk}/").content.decode()
    assert "处理进程中断" in page
    assert 'data-testid="retry-job"' in page
    assert not Entity.objects.filter(name="重试大药房").exists()

    response = client.post(f"/registry/entities/import/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()  # the test queue runs the task at once
    assert job.status == "succeeded", job.message
    assert job.attempts == 2
    assert "interrupted" not in job.result
    assert Entity.objects.filter(name="重试大药房").count() == 1
    actions = list(
        AuditEvent.objects.filter(object_id=str(job.pk), action__startswith=IMPORT_JOB_KIND)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        f"{IMPORT_JOB_KIND}.interrupted",
        f"{IMPORT_JOB_KIND}.retried",
        f"{IMPORT_JOB_KIND}.finished",
    ]


def test_someone_elses_job_cannot_be_retried(client, inspector, station, subdistrict):
    sign_in(client, inspector)
    content = filled_template(client, [row_for(subdistrict)])
    job = submit_import(ENTITY_IMPORT, actor=inspector, name="a.xlsx", content=content, mode="x")
    enqueue_job(job, KilledWorker(job), job.pk, ENTITY_IMPORT.path)
    BackgroundJob.objects.filter(pk=job.pk).update(lease_until=timezone.now())
    client.logout()
    sign_in(client, UserFactory(org_unit=station, roles=[Role.INSPECTOR]))
    assert client.post(f"/registry/entities/import/{job.pk}/retry/").status_code == 404
    job.refresh_from_db()
    assert job.attempts == 1
