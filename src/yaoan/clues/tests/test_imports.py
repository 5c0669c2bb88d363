"""The .xlsx import of monitoring pushes: good rows become clues with their 工作提示单,
bad rows are reported by row, column and reason (valid-rows mode), and all-or-nothing
writes nothing when one row is bad."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from yaoan.clues.imports import PUSH_IMPORT
from yaoan.clues.models import Clue, OnlineSalesPush
from yaoan.common.testing import UserFactory, World
from yaoan.core.enums import Role
from yaoan.core.jobs import create_job
from yaoan.core.models import BackgroundJob, User
from yaoan.core.tabular.runner import run_import
from yaoan.core.tabular.spec import ImportMode

pytestmark = pytest.mark.django_db

HEADER = [
    "推送编号",
    "监测日期",
    "交易平台",
    "网店名称",
    "涉及产品",
    "疑似违法违规情形",
    "统一社会信用代码",
    "承办所",
]


def run(user: User, rows: list[list[Any]], mode: ImportMode) -> BackgroundJob:
    workbook = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    job = create_job(
        actor=user,
        kind=PUSH_IMPORT.kind,
        input_name="pushes.xlsx",
        content=out.getvalue(),
        options={"mode": mode},
    )
    run_import(PUSH_IMPORT, BackgroundJob.objects.select_related("created_by").get(pk=job.pk))
    job.refresh_from_db()
    return job


def rows(world: World) -> list[list[Any]]:
    return [
        ["JC-1", "2026-12-01", "某平台", "甲店", "某药", "无处方销售", world.pharmacy.uscc, None],
        ["JC-2", "2026-12-01", "某平台", "乙店", "某药", "无证经营", None, "石门所"],
        ["JC-3", "2026-12-01", "某平台", "丙店", "某药", "无证经营", None, "不存在所"],
        ["JC-1", "2026-12-02", "某平台", "丁店", "某药", "重复", None, "石门所"],
        ["JC-5", "2026-12-02", "某平台", "戊店", "某药", "", None, "石门所"],
        ["JC-6", "2026-12-02", "某平台", "己店", "某药", "无处方销售", None, None],
    ]


def test_valid_rows_are_written_and_bad_rows_reported(world: World) -> None:
    monitor = UserFactory(org_unit=world.section, roles=[Role.MONITORING])
    job = run(monitor, rows(world), ImportMode.VALID_ROWS)
    assert job.result["written"] == 2
    assert sorted(OnlineSalesPush.objects.values_list("reference", flat=True)) == ["JC-1", "JC-2"]
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [
        (4, "承办所"),
        (5, "推送编号"),
        (6, "疑似违法违规情形"),
        (7, "承办所"),
    ]
    assert "不存在所" in job.result["errors"][0]["reason"]
    assert job.result["errors"][3]["reason"] == "无法确定承办单位：请选择承办单位或关联监管对象"


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(world: World) -> None:
    monitor = UserFactory(org_unit=world.section, roles=[Role.MONITORING])
    job = run(monitor, rows(world), ImportMode.ALL_OR_NOTHING)
    assert job.status == BackgroundJob.Status.FAILED
    assert (Clue.objects.count(), OnlineSalesPush.objects.count()) == (0, 0)
