"""Background work of the registry, run by the task worker (`yaoan db_worker`)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from yaoan.core.jobs import JobStatus, finish_job
from yaoan.core.models import BackgroundJob
from yaoan.registry.imports import IMPORT_JOB_KIND, run_entity_import

logger = logging.getLogger(__name__)


@task()
def import_entities_task(job_id: int) -> None:
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id, kind=IMPORT_JOB_KIND)
    if job.is_finished:
        return
    try:
        run_entity_import(job)
    except Exception:
        logger.exception("entity import job %s failed", job_id)
        finish_job(job, JobStatus.ERROR, _("导入时发生系统错误，数据均未写入，请联系系统管理员。"))
