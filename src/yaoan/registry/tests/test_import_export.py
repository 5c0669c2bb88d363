"""Excel import of entities (template → upload → job → all or nothing) and export (S22, S24,
S25), driven through the pages as a user would."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from yaoan.common.testing import (
    WORLD_ENTITIES,
    EntityFactory,
    SubdistrictFactory,
    UserFactory,
    make_uscc,
    sign_in,
)
from yaoan.core.enums import Role
from yaoan.core.jobs import create_job
from yaoan.core.models import AuditEvent, BackgroundJob
from yaoan.registry import services
from yaoan.registry.imports import ENTITY_IMPORT, IMPORT_JOB_KIND
from yaoan.registry.models import Entity, EntityRatingChange

IMPORT_URL = "/registry/entities/import/"
TEMPLATE_URL = "/registry/entities/import/template.xlsx"
EXPORT_URL = "/registry/entities/export.xlsx"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def row_for(subdistrict, **values: Any) -> dict[str, Any]:
    row = {
        "名称": "仁济大药房",
        "统一社会信用代码": make_uscc(),
        "类型": "药品零售企业",
        "所在镇街": subdistrict.name,
        "地址": "解放路1号",
        "法定代表人/负责人": "王某",
        "联系电话": "13800001234",
        "开展医疗美容": "否",
    }
    row.update(values)
    return row


def download_template(client) -> openpyxl.Workbook:
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def filled_template(client, rows: list[dict[str, Any]]) -> bytes:
    workbook = download_template(client)
    sheet = workbook["监管对象"]
    headers = [cell.value for cell in sheet[1]]
    for offset, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=offset, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "监管对象.xlsx"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def last_job() -> BackgroundJob:
    return BackgroundJob.objects.filter(kind=IMPORT_JOB_KIND).latest("pk")


def error_report_rows(client, job: BackgroundJob) -> list[tuple[Any, ...]]:
    response = client.get(f"/registry/entities/import/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def import_errors(client, rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    response = upload(client, filled_template(client, rows))
    assert response.status_code == 302, response.content.decode()[:2000]
    job = last_job()
    assert job.status == BackgroundJob.Status.FAILED
    return [(str(e["row"]), e["column"], e["reason"]) for e in job.result["errors"]]


# --- template -------------------------------------------------------------------------


def test_template_has_text_id_columns_dropdowns_and_instructions(client, inspector, subdistrict):
    other = SubdistrictFactory(name="别处镇")
    sign_in(client, inspector)
    workbook = download_template(client)
    assert workbook.sheetnames == ["监管对象", "填写说明", "选项"]
    sheet = workbook["监管对象"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["名称", "统一社会信用代码", "类型"]
    assert {"经营/使用特殊药品", "开展医疗美容", "风险等级", "信用分类"} <= set(headers)
    assert sheet.column_dimensions["B"].number_format == "@"
    assert sheet.max_row == 1  # no example in the data sheet
    validations = sheet.data_validations.dataValidation
    assert len([dv for dv in validations if dv.type == "list"]) == 11
    lengths = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in validations if dv.type == "textLength"
    }
    assert lengths == {"A2": "200", "G2": "200", "H2": "50", "I2": "50"}  # the model's limits
    options = [c for col in workbook["选项"].iter_cols(values_only=True) for c in col]
    assert subdistrict.name in options and other.name not in options
    assert "药品零售企业" in options
    help_text = "\n".join(str(c) for row in workbook["填写说明"].values for c in row if c)
    assert "文本格式" in help_text and "示例大药房" in help_text


# --- round trip -----------------------------------------------------------------------


def test_template_round_trip_creates_entities_with_audit_rows(client, inspector, subdistrict):
    sign_in(client, inspector)
    code_a, code_b = make_uscc(), make_uscc()
    rows = [
        row_for(subdistrict, 统一社会信用代码=code_a, 经营状态="停业"),
        row_for(
            subdistrict,
            名称="康宁诊所",
            统一社会信用代码=f"  {code_b.lower()} ",  # spaces and lower case are tidied
            类型="诊所/卫生室",
            联系电话=13912345678,  # a mobile number typed as a number survives exactly
            **{"经营/使用冷链药品": "是"},
        ),
    ]
    response = upload(client, filled_template(client, rows))
    assert response.status_code == 302
    job = last_job()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    page = client.get(response["Location"]).content.decode()
    assert "导入成功，共 2 条" in page and "/registry/entities/" in page
    clinic = Entity.objects.get(uscc=code_b)
    assert clinic.entity_type == "clinic" and clinic.handles_cold_chain
    assert clinic.contact_phone == "13912345678" and clinic.name_initials == "KNZS"
    assert Entity.objects.get(uscc=code_a).status == "suspended"
    created = AuditEvent.objects.filter(action="registry.entity.created", reason="import")
    assert created.count() == 2
    assert AuditEvent.objects.filter(action="registry.entity_import.submitted").count() == 1


def test_full_width_code_is_normalised(client, inspector, subdistrict):
    sign_in(client, inspector)
    code = make_uscc()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    upload(client, filled_template(client, [row_for(subdistrict, 统一社会信用代码=full_width)]))
    assert last_job().status == BackgroundJob.Status.SUCCEEDED
    assert Entity.objects.filter(uscc=code).exists()


def test_grades_in_file_are_set_with_rating_change(client, bureau_chief, subdistrict):
    sign_in(client, bureau_chief)
    row = row_for(subdistrict, 风险等级="C级（较高风险）", 信用分类="B")
    upload(client, filled_template(client, [row]))
    entity = Entity.objects.get(uscc=row["统一社会信用代码"])
    assert (entity.risk_grade, entity.credit_class) == ("C", "B")
    changes = EntityRatingChange.objects.filter(entity=entity)
    assert {(c.kind, c.new_value, c.reason, c.source) for c in changes} == {
        ("risk", "C", "Excel 导入", "import"),
        ("credit", "B", "Excel 导入", "import"),
    }


def test_inspector_cannot_set_grades_by_import(client, inspector, subdistrict):
    sign_in(client, inspector)
    errors = import_errors(client, [row_for(subdistrict, 风险等级="A级（低风险）")])
    assert errors == [("2", "风险等级", "只有股室负责人可以设置风险等级和信用分类")]
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written


# --- all or nothing, row errors ---------------------------------------------------------


def test_one_bad_row_writes_nothing_and_report_names_row_column_reason(
    client, inspector, subdistrict
):
    sign_in(client, inspector)
    good = make_uscc()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        row_for(subdistrict, 名称="好药房一"),
        row_for(subdistrict, 名称="坏药房", 统一社会信用代码=bad),
        row_for(subdistrict, 名称="好药房二"),
    ]
    response = upload(client, filled_template(client, rows))
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written
    assert not AuditEvent.objects.filter(action="registry.entity.created").exists()
    page = client.get(response["Location"]).content.decode()
    assert "未导入：发现 1 处错误，所有数据均未写入" in page
    assert "校验位错误" in page and "hx-trigger" not in page
    report = error_report_rows(client, last_job())
    assert report[0][:5] == ("行号", "列", "错误原因", "原值", "名称")
    assert report[1][:5] == (
        "3",
        "统一社会信用代码",
        f"统一社会信用代码校验位错误（第18位应为“{good[17]}”）",
        bad,
        "坏药房",
    )
    assert report[1][5] == bad


def test_numeric_code_cell_is_a_row_error(client, inspector, subdistrict):
    sign_in(client, inspector)
    rows = [row_for(subdistrict, 统一社会信用代码=915001112345678901)]
    errors = import_errors(client, rows)
    assert len(errors) == 1
    row, column, reason = errors[0]
    assert (row, column) == ("2", "统一社会信用代码")
    assert "文本格式" in reason
    report = error_report_rows(client, last_job())
    assert re.match(r"^9\.15\d*e\+17$", report[1][3])  # shown as Excel left it
    assert report[1][5] == report[1][3]


def test_duplicate_codes_in_file_and_against_registry(client, inspector, subdistrict):
    existing = EntityFactory(subdistrict=subdistrict)
    twice = make_uscc()
    sign_in(client, inspector)
    rows = [
        row_for(subdistrict, 统一社会信用代码=existing.uscc),
        row_for(subdistrict, 统一社会信用代码=twice),
        row_for(subdistrict, 统一社会信用代码=twice),
    ]
    assert import_errors(client, rows) == [
        ("2", "统一社会信用代码", "该统一社会信用代码已登记"),
        ("4", "统一社会信用代码", "与第 3 行的统一社会信用代码重复"),
    ]
    assert Entity.objects.count() == WORLD_ENTITIES + 1


def test_subdistrict_outside_scope_and_unknown_labels(client, inspector, subdistrict):
    elsewhere = SubdistrictFactory(name="邻所街道")  # another station's grid
    sign_in(client, inspector)
    rows = [
        row_for(elsewhere),
        row_for(subdistrict, 类型="药店", 开展医疗美容="可能", 名称=""),
        row_for(subdistrict, 所在镇街="不存在镇"),
    ]
    assert import_errors(client, rows) == [
        ("2", "所在镇街", "镇街“邻所街道”不在您的管辖范围内"),
        ("3", "名称", "必填项，不能为空"),
        ("3", "类型", "“药店”不是可选的类型，请从下拉列表中选择"),
        ("3", "开展医疗美容", "应填“是”或“否”，实际为“可能”"),
        ("4", "所在镇街", "未知的镇街“不存在镇”，请从下拉列表中选择"),
    ]


def test_model_validation_errors_are_reported_like_the_form(client, inspector, subdistrict):
    sign_in(client, inspector)
    errors = import_errors(client, [row_for(subdistrict, 地址="路" * 201)])
    assert len(errors) == 1 and errors[0][:2] == ("2", "地址")
    assert "200" in errors[0][2]


def test_missing_required_column_is_reported(client, inspector, subdistrict):
    sign_in(client, inspector)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["名称", "类型"])
    sheet.append(["某药房", "药品零售企业"])
    out = io.BytesIO()
    workbook.save(out)
    upload(client, out.getvalue())
    errors = [(e["column"], e["reason"]) for e in last_job().result["errors"]]
    assert ("统一社会信用代码", "缺少必填列：统一社会信用代码") in errors


# --- the upload itself (S22) --------------------------------------------------------------


def test_exe_renamed_xlsx_is_rejected(client, inspector):
    sign_in(client, inspector)
    response = upload(client, b"MZ\x90\x00\x03" + b"\x00" * 500, "名单.xlsx")
    assert response.status_code == 400
    assert "不是 .xlsx 格式" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_other_extensions_are_rejected(client, inspector):
    sign_in(client, inspector)
    for name, content in (("名单.csv", "名称,类型\n".encode()), ("名单.xls", b"\xd0\xcf\x11\xe0")):
        response = upload(client, content, name)
        assert response.status_code == 400
        assert "只接受 .xlsx" in response.content.decode()
    response = upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧.xlsx")
    assert "另存为未加密的 .xlsx" in response.content.decode()


def test_oversize_upload_gets_413(client, inspector, settings):
    settings.UPLOAD_MAX_MB = 1
    sign_in(client, inspector)
    for size in (1024 * 1024 + 10, 2 * 1024 * 1024):
        response = upload(client, b"PK\x03\x04" + b"\x00" * size)
        assert response.status_code == 413
        assert "超过 1 MB" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_that_is_not_a_workbook_is_rejected(client, inspector):
    sign_in(client, inspector)
    response = upload(client, _zip({"readme.txt": b"hello"}))
    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.content.decode()


def test_malformed_workbook_gets_a_message_not_a_500(client, inspector):
    sign_in(client, inspector)
    content = _zip({"[Content_Types].xml": b"<not xml", "xl/workbook.xml": b"garbage"})
    response = upload(client, content)
    assert response.status_code == 400
    assert "无法读取该 Excel 文件" in response.content.decode()


def test_zip_bomb_is_rejected(client, inspector, settings):
    settings.UPLOAD_MAX_MB = 1
    sign_in(client, inspector)
    content = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\x00" * (30 * 1024 * 1024),
        }
    )
    assert len(content) < 1024 * 1024
    response = upload(client, content)
    assert response.status_code == 400
    assert "压缩炸弹" in response.content.decode()


def test_uploaded_file_is_stored_under_media_root(client, inspector, subdistrict, settings):
    sign_in(client, inspector)
    upload(client, filled_template(client, [row_for(subdistrict)]))
    job = last_job()
    assert job.input_path.startswith(str(settings.MEDIA_ROOT))


# --- the job page -----------------------------------------------------------------------


def test_job_page_polls_until_finished_and_only_owner_sees_it(client, inspector, station):
    job = create_job(actor=inspector, kind=IMPORT_JOB_KIND, input_name="a.xlsx", content=b"x")
    sign_in(client, inspector)
    partial = client.get(f"/registry/entities/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    other = UserFactory(org_unit=station, roles=[Role.INSPECTOR])
    client.logout()
    sign_in(client, other)
    assert client.get(f"/registry/entities/import/{job.pk}/").status_code == 404
    assert client.get(f"/registry/entities/import/{job.pk}/errors.xlsx").status_code == 404


# --- export (S25) -------------------------------------------------------------------------


def _export(client, query: str) -> tuple[list[tuple[Any, ...]], openpyxl.Workbook]:
    response = client.get(f"{EXPORT_URL}?{query}")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True)), workbook


def test_export_respects_filter_and_scope_masks_phone_and_is_audited(
    client, world, inspector, subdistrict
):
    mine = world.pharmacy  # 仁济大药房, phone 13800001234
    EntityFactory(subdistrict=subdistrict, name="康宁诊所", entity_type="clinic")
    EntityFactory(subdistrict=SubdistrictFactory(), name="仁济大药房二店")  # other grid
    sign_in(client, inspector)
    rows, workbook = _export(client, "q=rjdyf&entity_type=retail_pharmacy")
    assert inspector.username in rows[0][0] and "导出时间" in rows[0][0]
    assert workbook.properties.creator.startswith(inspector.display_name)
    assert rows[1][:3] == ("名称", "统一社会信用代码", "类型")
    assert [r[0] for r in rows[2:]] == ["仁济大药房"]
    assert rows[2][1] == mine.uscc and rows[2][9] == "138****1234"
    code_cell = workbook.worksheets[0]["B3"]
    assert (code_cell.data_type, code_cell.number_format) == ("s", "@")
    event = AuditEvent.objects.get(action="registry.entity.exported")
    assert event.actor_id == inspector.pk
    assert event.after == {
        "filter": {"q": ["rjdyf"], "entity_type": ["retail_pharmacy"]},
        "rows": 1,
        "masked": ["contact_phone"],
    }


def test_export_never_writes_formulas(client, inspector, subdistrict):
    EntityFactory(subdistrict=subdistrict, name='=HYPERLINK("http://x","y")')
    sign_in(client, inspector)
    _rows, workbook = _export(client, "")
    cell = workbook.worksheets[0]["A3"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# --- the service, called directly -----------------------------------------------------------


def _service_row(subdistrict, **values: Any) -> dict[str, Any]:
    row = {
        "name": "仁济大药房",
        "uscc": make_uscc(),
        "entity_type": "retail_pharmacy",
        "subdistrict": subdistrict,
        "address": "解放路1号",
        "legal_representative": "王某",
    }
    row.update(values)
    return row


def test_import_entities_is_all_or_nothing_and_lists_every_bad_row(inspector, subdistrict):
    elsewhere = SubdistrictFactory()
    rows = [
        _service_row(subdistrict),
        _service_row(subdistrict, uscc="915001110000000000"),
        _service_row(elsewhere),
        _service_row(subdistrict, risk_grade="A"),
    ]
    with pytest.raises(services.EntityImportError) as caught:
        services.import_entities(actor=inspector, rows=rows, source="import")
    assert [(i, field) for i, field, _message in caught.value.errors] == [
        (1, "uscc"),
        (2, "subdistrict"),
        (3, "risk_grade"),
    ]
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written
    assert not AuditEvent.objects.filter(action="registry.entity.created").exists()


def test_import_entities_creates_through_create_entity(bureau_chief, subdistrict):
    rows = [_service_row(subdistrict, credit_class="D"), _service_row(subdistrict)]
    created = services.import_entities(actor=bureau_chief, rows=rows, source="import")
    assert [e.credit_class for e in created] == ["D", ""]
    assert AuditEvent.objects.filter(action="registry.entity.created").count() == 2
    assert AuditEvent.objects.filter(action="registry.entity.credit_class_changed").count() == 1


def test_validation_messages_without_fields():
    assert services.validation_messages(ValidationError("坏")) == [("", "坏")]
    assert services.validation_messages(ValidationError({"__all__": ["坏"]})) == [("", "坏")]


def test_blank_rows_are_skipped_and_row_numbers_kept(client, inspector, subdistrict):
    sign_in(client, inspector)
    blank = dict.fromkeys(row_for(subdistrict), None)
    rows = [row_for(subdistrict), blank, blank, row_for(subdistrict, 地址="")]
    assert import_errors(client, rows) == [("5", "地址", "必填项，不能为空")]


def test_too_many_rows_are_refused_whole(client, inspector, subdistrict, monkeypatch):
    monkeypatch.setattr(ENTITY_IMPORT, "max_rows", 2)
    sign_in(client, inspector)
    rows = [row_for(subdistrict) for _ in range(3)]
    assert import_errors(client, rows) == [
        ("None", "—", "单个文件最多 2 行数据，请拆分后分批导入。")
    ]
    assert Entity.objects.count() == WORLD_ENTITIES  # nothing written
