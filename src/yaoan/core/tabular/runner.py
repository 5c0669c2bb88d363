"""The background run of an import: read and check every row, write through the app's row
handler in the mode the user chose, record the outcome, the error report and an audit
row on the job.

All or nothing: every good row is written inside one transaction, each in a savepoint so
a refused row does not stop the others being checked; any error anywhere rolls all back.
Valid rows: each good row is written in its own transaction; refused rows are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.core import audit
from yaoan.core.jobs import JobStatus, create_job, finish_job, job_dir, set_progress
from yaoan.core.models import BackgroundJob, User
from yaoan.core.tabular.reader import PROGRESS_EVERY, read_upload, validation_problems
from yaoan.core.tabular.spec import ImportMode, ImportSpec, ParsedRow, RowError, RowRejected
from yaoan.core.tabular.workbook import error_report

MAX_SHOWN_ERRORS = 200
ERROR_REPORT_NAME = "errors.xlsx"


@dataclass
class Outcome:
    rows: list[ParsedRow]
    file_errors: list[RowError] = field(default_factory=list)
    written: int = 0

    @property
    def errors(self) -> list[RowError]:
        row_errors = [e for row in self.rows for e in row.errors]
        return self.file_errors + sorted(row_errors, key=lambda e: e.row or 0)

    @property
    def bad_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)


def submit_import(
    spec: ImportSpec, *, actor: User, name: str, content: bytes, mode: str
) -> BackgroundJob:
    """The job for an upload already checked as a safe .xlsx (the caller enqueues it)."""
    return create_job(
        actor=actor, kind=spec.kind, input_name=name, content=content, options={"mode": mode}
    )


def job_mode(job: BackgroundJob) -> ImportMode:
    value = (job.result.get("options") or {}).get("mode")
    return ImportMode(value) if value in ImportMode.values else ImportMode.ALL_OR_NOTHING


def run_import(spec: ImportSpec, job: BackgroundJob) -> Outcome:
    """Read, check and write the job's file; the job ends succeeded or failed, with the
    error report beside it when any row or the file had a problem."""
    with translation.override(settings.LANGUAGE_CODE):
        actor = job.created_by
        mode = job_mode(job)
        context = spec.context(actor)
        outcome = _read(spec, job, context)
        if not outcome.file_errors:
            _write(spec, job, context, outcome, mode)
        _finish(spec, job, outcome, mode)
    return outcome


def _read(spec: ImportSpec, job: BackgroundJob, context: Any) -> Outcome:
    def progress(done: int, total: int) -> None:
        message = _("正在检查第 %(done)s / %(total)s 行…") % {"done": done, "total": total}
        set_progress(job, done, total, message)

    content = Path(job.input_path).read_bytes()
    try:
        rows, file_errors = read_upload(spec, content, context, progress)
    except xlsx.XlsxError as exc:
        return Outcome([], [RowError(None, "—", exc.message)])
    return Outcome(rows, file_errors)


def _write(
    spec: ImportSpec, job: BackgroundJob, context: Any, outcome: Outcome, mode: ImportMode
) -> None:
    good = [row for row in outcome.rows if not row.errors]
    if mode is ImportMode.VALID_ROWS:
        outcome.written = _write_each(spec, job, context, good)
        return
    set_progress(job, len(outcome.rows), len(outcome.rows), _("检查完毕，正在写入…"))
    with transaction.atomic():
        written = sum(_write_one(spec, context, row) for row in good)
        if outcome.errors:
            transaction.set_rollback(True)  # all or nothing: one bad row writes none
        else:
            outcome.written = written


def _write_each(spec: ImportSpec, job: BackgroundJob, context: Any, rows: list[ParsedRow]) -> int:
    written = 0
    for done, row in enumerate(rows, start=1):
        written += _write_one(spec, context, row)
        if done % PROGRESS_EVERY == 0 or done == len(rows):
            message = _("正在写入第 %(done)s / %(total)s 行…") % {"done": done, "total": len(rows)}
            set_progress(job, done, len(rows), message)
    return written


def _write_one(spec: ImportSpec, context: Any, row: ParsedRow) -> int:
    """1 when the service wrote the row; else 0, with the service's reasons on the row."""
    try:
        with transaction.atomic():
            spec.write_row(context, row.data)
    except RowRejected as exc:
        problems = exc.problems
    except ValidationError as exc:
        problems = validation_problems(exc)
    except PermissionDenied as exc:
        problems = [("", str(exc) or _("无权写入此行"))]
    except IntegrityError:
        problems = [("", _("与已有数据冲突（可能重复），未写入"))]
    else:
        return 1
    for key, message in problems:
        row.reject(spec.column(key), message)
    return 0


def _finish(spec: ImportSpec, job: BackgroundJob, outcome: Outcome, mode: ImportMode) -> None:
    errors = outcome.errors
    job.progress_done = job.progress_total = len(outcome.rows)
    result: dict[str, Any] = {
        "mode": mode.value,
        "rows": len(outcome.rows),
        "written": outcome.written,
        "error_rows": outcome.bad_rows,
        "error_count": len(errors),
        "errors": [e.as_dict() for e in errors[:MAX_SHOWN_ERRORS]],
    }
    output = _save_report(spec, job, outcome, errors) if errors else ""
    status, message = _summary(outcome, mode, len(errors))
    with transaction.atomic():
        finish_job(job, status, message, output_path=output, result=result)
        audit.record(
            f"{spec.kind}.finished",
            actor=job.created_by,
            obj=job,
            success=status == JobStatus.SUCCEEDED,
            after={k: v for k, v in result.items() if k != "errors"},
        )


def _summary(outcome: Outcome, mode: ImportMode, error_count: int) -> tuple[str, str]:
    if not error_count:
        return JobStatus.SUCCEEDED, _("导入成功，共 %(n)s 条") % {"n": outcome.written}
    if mode is ImportMode.ALL_OR_NOTHING or not outcome.written:
        message = _("未导入：发现 %(n)s 处错误，所有数据均未写入") % {"n": error_count}
        return JobStatus.FAILED, message
    message = _(
        "已导入 %(written)s 条；%(bad)s 行有错误未导入（共 %(n)s 处错误），"
        "请下载错误报告，修改后只导入这些行"
    ) % {"written": outcome.written, "bad": outcome.bad_rows, "n": error_count}
    return JobStatus.SUCCEEDED, message


def _save_report(
    spec: ImportSpec, job: BackgroundJob, outcome: Outcome, errors: list[RowError]
) -> str:
    path = job_dir(job) / ERROR_REPORT_NAME
    with xlsx.save_to_temp(error_report(spec, outcome.rows, errors)) as handle:
        path.write_bytes(handle.read())
    return str(path)


def fail_unexpectedly(job: BackgroundJob) -> None:
    """After an error in the code (not in the file): nothing more is written by the run."""
    message = _("导入时发生系统错误，请联系系统管理员；此前已写入的行予以保留。")
    if job_mode(job) is ImportMode.ALL_OR_NOTHING:
        message = _("导入时发生系统错误，数据均未写入，请联系系统管理员。")
    finish_job(job, JobStatus.ERROR, message)
