"""Trace API routes: where-from/where-to, recall reach, entity reports, anomalies, and
the upload of a trace file loaded in the background. They validate and delegate: queries
go to the engine (yaoan.analytics.trace.queries), loads to trace.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from yaoan.analytics.trace import queries as engine
from yaoan.analytics.trace.rules import RULES
from yaoan.common.api.paging import PageParams, page_from
from yaoan.common.api.schemas import DETAIL_ERRORS
from yaoan.common.api_fields import QUERY_MAX_LENGTH
from yaoan.common.errors import INVALID, invalid
from yaoan.core import audit
from yaoan.core.access import allowed_user
from yaoan.core.jobs import can_retry, enqueue_job, refresh_if_stale, retry_job, retryable
from yaoan.core.models import BackgroundJob, User
from yaoan.trace import services
from yaoan.trace.api.schemas import (
    AnomalyPage,
    BatchRowOut,
    EntityReportOut,
    JobOut,
    WhereOut,
)
from yaoan.trace.queries import trace_store, visible_usccs
from yaoan.trace.rules import READ_TRACE, can_ingest_trace
from yaoan.trace.tasks import ingest_upload_task

router = Router(tags=["药品追溯"])
ERRORS = DETAIL_ERRORS


def _out_of_scope(user: User, request: HttpRequest, object_id: str) -> Http404:
    audit.record(
        "trace.access.denied",
        actor=user,
        success=False,
        object_type="trace.query",
        object_id=object_id[:64],
        reason=request.path,
    )
    return Http404()


@router.get(
    "/where",
    response={200: WhereOut, **ERRORS},
    summary="追溯码来源去向",
    description="任何形式的追溯码（20位码上放心码、GS1 条码及其人读形式、GS1 数字链接、MA 码、"
    "企业自建码）。所里的用户只能查询链条中至少有一家本所辖区单位的码，可看到完整链条。",
)
def where(
    request: HttpRequest, code: str = Query(..., max_length=QUERY_MAX_LENGTH, description="追溯码")
) -> dict[str, Any]:
    user = allowed_user(request, READ_TRACE)
    con = trace_store().connect()
    try:
        result = engine.where(con, code)
    except engine.QueryError as exc:
        raise invalid(INVALID, str(exc), field="code") from exc
    finally:
        con.close()
    allowed = visible_usccs(user)
    if not (result["chain"] or result["contents"] or result["containers"]):
        raise Http404
    if allowed is not None and not allowed.intersection(result["entities"]):
        raise _out_of_scope(user, request, result["code"])
    return result


@router.get(
    "/batches",
    response={200: list[BatchRowOut], **ERRORS},
    summary="批次召回范围",
    description="收到过该批次的每家单位及其入库、出库、销售、退货、销毁和推定结存数量。"
    "所里的用户只看到本所辖区的单位。",
)
def batch(
    request: HttpRequest,
    product: str = Query(
        ..., max_length=QUERY_MAX_LENGTH, description="产品标识（药品标识码、GTIN 或产品库标识）"
    ),
    batch: str = Query(..., max_length=QUERY_MAX_LENGTH, description="批号"),
) -> list[dict[str, Any]]:
    user = allowed_user(request, READ_TRACE)
    con = trace_store().connect()
    try:
        rows = engine.batch_reach(con, product, batch)
    finally:
        con.close()
    allowed = visible_usccs(user)
    if allowed is not None:
        visible = [r for r in rows if r["entity"] in allowed]
        if rows and not visible:
            raise _out_of_scope(user, request, f"{product}/{batch}")
        rows = visible
    if not rows:
        raise Http404
    return rows


class PeriodParams(Schema):
    date_from: dt.date | None = Field(None, alias="from", description="起始日期 YYYY-MM-DD")
    date_to: dt.date | None = Field(None, alias="to", description="截止日期 YYYY-MM-DD")


@router.get(
    "/entities/{uscc}",
    response={200: EntityReportOut, **ERRORS},
    summary="单位购销存",
    description="该单位在期间内从谁购进、出库给谁、销售了什么，以及截至截止日的各产品结存。",
)
def entity(request: HttpRequest, uscc: str, period: Query[PeriodParams]) -> dict[str, Any]:
    user = allowed_user(request, READ_TRACE)
    uscc = uscc.strip().upper()
    allowed = visible_usccs(user)
    if allowed is not None and uscc not in allowed:
        raise _out_of_scope(user, request, uscc)
    con = trace_store().connect()
    try:
        return engine.entity_report(con, uscc, period.date_from, period.date_to)
    finally:
        con.close()


class AnomalyParams(PageParams):
    rule: str | None = Field(
        None, max_length=QUERY_MAX_LENGTH, description="规则名：" + "、".join(RULES)
    )


@router.get(
    "/anomalies",
    response={200: AnomalyPage, **ERRORS},
    summary="追溯异常",
    description="每次导入后增量更新的异常清单，按时间倒序。所里的用户只看到本所辖区单位的异常。",
)
def anomalies(request: HttpRequest, params: Query[AnomalyParams]) -> dict[str, Any]:
    user = allowed_user(request, READ_TRACE)
    if params.rule and params.rule not in RULES:
        raise invalid(INVALID, _("未知的规则“%(rule)s”。") % {"rule": params.rule}, field="rule")
    con = trace_store().connect()
    try:
        total, rows = engine.list_anomalies(
            con,
            params.rule,
            visible_usccs(user),
            limit=params.page_size,
            offset=(params.page - 1) * params.page_size,
        )
    finally:
        con.close()
    return page_from(rows, total, params)


def _job_out(job: BackgroundJob) -> dict[str, Any]:
    hidden = {"reject_file", "task"}
    return {
        "id": job.pk,
        "status": job.status,
        "file": job.input_name,
        "message": job.message,
        "result": {k: v for k, v in job.result.items() if k not in hidden},
        "retryable": retryable(job),
    }


@router.post(
    "/ingest",
    response={202: JobOut, **ERRORS},
    summary="上传追溯事件文件",
    description="CSV 或 EPCIS 2.0（JSON-LD、XML）文件，后台导入；用返回的任务编号查询进度和结果。"
    "all_or_nothing 为 true 时文件中有任何不合格记录则整个文件不导入。",
)
def upload(
    request: HttpRequest,
    file: File[UploadedFile],
    all_or_nothing: Form[bool] = False,
) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_TRACE)
    if not can_ingest_trace(user):
        raise PermissionDenied(_("您无权导入追溯数据。"))
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if (file.size or 0) > limit:
        raise invalid(
            INVALID,
            _("文件超过 %(mb)s MB，请用命令行导入。") % {"mb": settings.UPLOAD_MAX_MB},
            field="file",
        )
    job = services.submit_upload(
        actor=user, name=file.name or "upload", content=file.read(), strict=all_or_nothing
    )
    enqueue_job(job, ingest_upload_task, job.pk)  # the row is committed: create_job was atomic
    job.refresh_from_db()
    return Status(202, _job_out(job))


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **ERRORS},
    summary="导入任务进度",
)
def job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    user = allowed_user(request, READ_TRACE)
    found = BackgroundJob.objects.filter(
        pk=job_id, kind=services.INGEST_JOB_KIND, created_by=user
    ).first()
    if found is None:
        raise Http404
    return _job_out(refresh_if_stale(found))


@router.post(
    "/jobs/{job_id}/retry",
    response={202: JobOut, **ERRORS},
    summary="重试出错的导入任务",
    description="处理进程中断或系统出错的任务，由提交人用同一文件重新排队。",
)
def retry(request: HttpRequest, job_id: int) -> Status[dict[str, Any]]:
    user = allowed_user(request, READ_TRACE)
    found = BackgroundJob.objects.filter(
        pk=job_id, kind=services.INGEST_JOB_KIND, created_by=user
    ).first()
    if found is None:
        raise Http404
    found = refresh_if_stale(found)
    if not can_retry(found, user):
        raise invalid(INVALID, _("此任务不能重试：只有出错的任务可以重试"), field="status")
    return Status(202, _job_out(retry_job(found, actor=user)))
