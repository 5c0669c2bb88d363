"""The entity import's two modes, driven through the pages (S24), and the export of the
list exactly as the user filtered it (S25)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yaoan.common.identifiers import uscc_check_character
from yaoan.common.testing import (
    WORLD_ENTITIES,
    EntityFactory,
    SubdistrictFactory,
    UserFactory,
    make_uscc,
    sign_in,
)
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, BackgroundJob
from yaoan.registry.models import Entity
from yaoan.registry.tests.test_import_export import (
    IMPORT_URL,
    error_report_rows,
    filled_template,
    last_job,
    row_for,
)

LIST_URL = "/registry/entities/"
EXPORT_URL = "/registry/entities/export.xlsx"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def upload(client, content: bytes, mode: str | None = None):
    data: dict[str, Any] = {"file": SimpleUploadedFile("监管对象.xlsx", content)}
    if mode is not None:
        data["mode"] = mode
    return client.post(IMPORT_URL, data)


def rows_with_one_bad(subdistrict) -> list[dict[str, Any]]:
    good = make_uscc()
    return [
        row_for(subdistrict, 名称="好药房一"),
        row_for(
            subdistrict,
            名称="坏药房",
            统一社会信用代码=good[:17] + ("0" if good[17] != "0" else "1"),
        ),
        row_for(subdistrict, 名称="好药房二"),
    ]


def test_upload_page_offers_both_modes_with_all_or_nothing_checked(client, inspector):
    sign_in(client, inspector)
    page = client.get(IMPORT_URL).content.decode()
    assert '<input type="radio" name="mode" value="all" id="id_mode_0" checked>' in page
    assert '<input type="radio" name="mode" value="valid" id="id_mode_1">' in page
    assert "只导入正确的行：有错误的行不写入，其余行写入" in page
    assert 'data-testid="import-columns"' in page and "统一社会信用代码" in page


def test_bad_row_all_or_nothing_writes_nothing_and_reports_the_row(client, inspector, subdistrict):
    sign_in(client, inspector)
    response = upload(client, filled_template(client, rows_with_one_bad(subdistrict)), "all")
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written
    job = last_job()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.result["mode"] == "all" and job.result["written"] == 0
    page = client.get(response["Location"]).content.decode()
    assert "未导入：发现 1 处错误，所有数据均未写入" in page
    report = error_report_rows(client, job)
    assert [r[:2] for r in report[1:]] == [("3", "统一社会信用代码")]
    assert report[1][4] == "坏药房"


def test_bad_row_valid_rows_mode_writes_the_others_and_reports_the_row(
    client, inspector, subdistrict
):
    sign_in(client, inspector)
    response = upload(client, filled_template(client, rows_with_one_bad(subdistrict)), "valid")
    registered = sorted(Entity.objects.values_list("name", flat=True))
    assert registered == [
        "仁济大药房",
        "好药房一",
        "好药房二",
        "石门百姓大药房",
    ]  # with the world's
    assert AuditEvent.objects.filter(action="registry.entity.created").count() == 2
    job = last_job()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert (job.result["written"], job.result["error_rows"]) == (2, 1)
    page = client.get(response["Location"]).content.decode()
    assert "已导入 2 条；1 行有错误未导入" in page and 'data-testid="error-report-link"' in page
    report = error_report_rows(client, job)
    assert [(r[0], r[1], r[4]) for r in report[1:]] == [("3", "统一社会信用代码", "坏药房")]
    submitted = AuditEvent.objects.get(action="registry.entity_import.submitted")
    assert submitted.after["options"] == {"mode": "valid"}


def test_header_mismatch_is_named_and_nothing_is_written(client, inspector, subdistrict):
    sign_in(client, inspector)
    workbook = openpyxl.Workbook()
    workbook.active.append(["名称", "信用代码号", "类型", "所在镇街", "地址", "法定代表人"])
    workbook.active.append(["某药房", "x", "药品零售企业", subdistrict.name, "某路", "王某"])
    out = io.BytesIO()
    workbook.save(out)
    upload(client, out.getvalue(), "valid")
    assert [(e["column"], e["reason"]) for e in last_job().result["errors"]] == [
        ("信用代码号", "无法识别的列：信用代码号"),
        ("统一社会信用代码", "缺少必填列：统一社会信用代码"),
    ]
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written


def _all_digit_uscc() -> str:
    for serial in range(10_000_000, 10_001_000):
        body = f"9150011{serial:010d}"
        check = uscc_check_character(body)
        if check.isdigit():
            return body + check
    raise AssertionError("no all-digit code in range")


def test_an_18_digit_code_in_a_text_cell_is_read_exactly(client, inspector, subdistrict):
    code = _all_digit_uscc()
    sign_in(client, inspector)
    upload(client, filled_template(client, [row_for(subdistrict, 统一社会信用代码=code)]))
    assert last_job().status == BackgroundJob.Status.SUCCEEDED
    assert Entity.objects.count() == WORLD_ENTITIES + 1
    assert Entity.objects.filter(uscc=code).count() == 1


# --- export of the filtered list ----------------------------------------------------------


def test_filtered_list_page_carries_its_filter_to_the_export_link(client, inspector, subdistrict):
    sign_in(client, inspector)
    rows = client.get(f"{LIST_URL}?entity_type=clinic&q=", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="entity-export"' in rows and 'hx-swap-oob="true"' in rows
    assert f'href="{EXPORT_URL}?entity_type=clinic&amp;q="' in rows
    full = client.get(f"{LIST_URL}?entity_type=clinic").content.decode()
    assert f'href="{EXPORT_URL}?entity_type=clinic"' in full and "hx-swap-oob" not in full


def test_export_holds_exactly_the_filtered_rows_and_audits_filter_and_count(
    client, inspector, subdistrict
):
    other_grid = SubdistrictFactory(station=subdistrict.station, name="东湖街道")
    for index in range(3):
        EntityFactory(subdistrict=subdistrict, name=f"诊所{index}", entity_type="clinic")
    EntityFactory(subdistrict=other_grid, name="东湖诊所", entity_type="clinic")
    EntityFactory(subdistrict=subdistrict, name="仁济大药房", entity_type="retail_pharmacy")
    sign_in(client, inspector)
    query = f"entity_type=clinic&subdistrict={subdistrict.pk}&page=2"
    listed = client.get(f"{LIST_URL}?{query.replace('&page=2', '')}").content.decode()
    assert "共 3 个监管对象" in listed
    response = client.get(f"{EXPORT_URL}?{query}")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[2:]) == ["诊所0", "诊所1", "诊所2"]
    event = AuditEvent.objects.get(action="registry.entity.exported")
    assert event.after == {
        "filter": {"entity_type": ["clinic"], "subdistrict": [str(subdistrict.pk)]},
        "rows": 3,
        "masked": ["contact_phone"],
    }


def test_import_pages_are_for_registry_editors_only(client, station):
    assert client.get(IMPORT_URL)["Location"] == f"/accounts/login/?next={IMPORT_URL}"
    reader = UserFactory(org_unit=station, roles=[Role.LEADER])
    sign_in(client, reader)
    for url in (IMPORT_URL, f"{IMPORT_URL}template.xlsx"):
        assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="registry.access.denied", success=False).count() == 2
