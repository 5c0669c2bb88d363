"""The task worker's side of an import (`yaoan db_worker`): find the spec by its dotted
path, run the job once."""

from __future__ import annotations

import logging

from django.utils.module_loading import import_string
from django_tasks import task

from yaoan.core.jobs import start_job
from yaoan.core.models import BackgroundJob
from yaoan.core.tabular.runner import fail_unexpectedly, run_import
from yaoan.core.tabular.spec import ImportSpec

logger = logging.getLogger(__name__)


def load_spec(path: str) -> ImportSpec:
    spec = import_string(path)
    if not isinstance(spec, ImportSpec) or spec.path != path:
        raise TypeError(f"{path} is not an import spec")
    return spec


@task()
def run_import_task(job_id: int, spec_path: str) -> None:
    spec = load_spec(spec_path)
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id, kind=spec.kind)
    if job.is_finished:
        return
    start_job(job)
    try:
        run_import(spec, job)
    except Exception:
        logger.exception("import job %s (%s) failed", job_id, spec.kind)
        fail_unexpectedly(job)
