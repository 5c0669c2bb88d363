"""The .xlsx import of transferred complaints (12315, the city): a good file writes each
row through the service with phones read as text; bad rows are reported by row and
column and nothing is half-written; the export is masked and audited."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yaoan.common.testing import World, client_for
from yaoan.complaints.imports import IMPORT_JOB_KIND
from yaoan.complaints.models import Complaint
from yaoan.complaints.tests.ui_helpers import receive
from yaoan.core.models import AuditEvent, BackgroundJob

IMPORT_URL = "/complaints/import/"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def row(**values: Any) -> dict[str, Any]:
    base = {
        "转办来源": "12315平台转办",
        "原工单编号": "12315-0001",
        "类别": "举报",
        "产品类别": "药品",
        "收到日期": "2026-03-02",
        "被投诉举报单位": "仁济大药房",
        "反映内容": "销售过期药品",
        "匿名": "否",
        "反映人姓名": "赵六",
        "联系电话": "13800001111",
    }
    base.update(values)
    return base


def filled(client, rows: list[dict[str, Any]]) -> bytes:
    response = client.get(f"{IMPORT_URL}template.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["投诉举报"]
    headers = [str(c.value).replace("*", "").strip() for c in sheet[1]]
    for offset, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=offset, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes) -> BackgroundJob:
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("转办.xlsx", content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return BackgroundJob.objects.filter(kind=IMPORT_JOB_KIND).latest("pk")


def test_good_rows_are_received_with_phone_as_text(world: World) -> None:
    client = client_for(world.inspector)
    job = upload(
        client,
        filled(
            client,
            [
                row(统一社会信用代码=world.pharmacy.uscc),
                row(原工单编号="12315-0002", 反映内容="无证经营", 匿名="是", 转办来源="上级转办"),
            ],
        ),
    )
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.result
    first, second = Complaint.objects.order_by("id")
    assert first.entity == world.pharmacy and first.reporter_phone == "13800001111"
    assert first.external_number == "12315-0001" and first.channel == "transfer_12315"
    assert second.anonymous and second.reporter_phone == "" and second.entity is None
    assert second.channel == "transfer_city"


def test_bad_rows_are_reported_and_nothing_is_written(world: World) -> None:
    client = client_for(world.inspector)
    job = upload(
        client,
        filled(
            client,
            [
                row(),
                row(原工单编号="12315-0002", 联系电话=2312345678),  # a number cell lost its 0
                row(原工单编号="12315-0003", 反映内容=None),
                row(原工单编号="12315-0004", 转办来源="微信"),
                row(原工单编号="12315-0005", 统一社会信用代码=world.other_entity.uscc),
            ],
        ),
    )
    assert job.status == BackgroundJob.Status.FAILED
    errors = {(e["row"], e["column"]) for e in job.result["errors"]}
    assert {(3, "联系电话"), (4, "反映内容"), (5, "转办来源"), (6, "统一社会信用代码")} <= errors
    assert not any(r == 2 for r, _ in errors)
    assert Complaint.objects.count() == 0


def test_import_refused_to_a_reader_who_may_not_receive(world: World) -> None:
    response = client_for(world.leader).get(IMPORT_URL)
    assert response.status_code == 403


def test_export_is_masked_and_audited(world: World) -> None:
    receive(world.inspector, world.pharmacy, reporter_phone="13912345678")
    response = client_for(world.chief).get("/complaints/export.xlsx?kind=report")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c) for r in workbook.worksheets[0].iter_rows(values_only=True) for c in r if c]
    assert "13912345678" not in cells, cells
    assert "139****5678" in cells and "王**" in cells, cells
    event = AuditEvent.objects.get(action="complaints.complaint.exported")
    assert event.actor_username == world.chief.username
