"""Background work of the trace app, run by the task worker (`yaoan db_worker`)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from yaoan.core.jobs import JobStatus, finish_job, start_job
from yaoan.core.models import BackgroundJob
from yaoan.trace.services import INGEST_JOB_KIND, run_upload

logger = logging.getLogger(__name__)


@task()
def ingest_upload_task(job_id: int) -> None:
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id, kind=INGEST_JOB_KIND)
    if job.is_finished:
        return
    start_job(job)
    try:
        run_upload(job)
    except Exception:
        logger.exception("trace ingest job %s failed", job_id)
        finish_job(
            job, JobStatus.ERROR, _("导入时发生系统错误，追溯数据未改变，请联系系统管理员。")
        )
