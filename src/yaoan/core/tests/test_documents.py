"""The document layer: the 公文 layout, the sandbox, template upload/revert, generated
documents with their 文号 and SM3 digest, tamper detection, and the template pages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from docx import Document
from docx.oxml.ns import qn

from yaoan.common.testing import OrgUnitFactory, UserFactory, sign_in
from yaoan.core.documents import kinds, services
from yaoan.core.documents.kinds import DocumentKind, TemplateField
from yaoan.core.documents.layout import OfficialDocument
from yaoan.core.documents.rendering import TemplateRenderError, render_docx
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, DocumentTemplate, GeneratedDocument, OrgUnit, User

pytestmark = pytest.mark.django_db
KIND = "core.test_notice"


def notice_template(body: str = "{{ addressee }}：{{ text }}") -> bytes:
    doc = OfficialDocument()
    doc.title("测试通知书")
    doc.number_line("{{ number }}")
    doc.paragraph(body, indent=True)
    doc.paragraph("{%p for r in rows %}")
    doc.paragraph("{{ loop.index }}. {{ r.item }}")
    doc.paragraph("{%p endfor %}")
    return doc.to_bytes()


def texts(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


@pytest.fixture
def kind(monkeypatch: pytest.MonkeyPatch) -> DocumentKind:
    """A kind about an org unit, visible to users of that unit."""
    registered = DocumentKind(
        code=KIND,
        label="测试通知书",
        subject_type="core.orgunit",
        fields=(
            TemplateField("addressee", "收件单位", "某单位"),
            TemplateField("text", "正文", "请于期限内改正。"),
            TemplateField("rows", "事项", [{"item": "一"}], (TemplateField("item", "事项", "一"),)),
        ),
        build_default=notice_template,
        visible=lambda user, pk: user.org_unit_id == pk,
    )
    monkeypatch.setitem(kinds._KINDS, KIND, registered)
    return registered


@pytest.fixture
def storage(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "files"
    return tmp_path / "files"


@pytest.fixture
def sysadmin(db: Any) -> User:
    return UserFactory(roles=[Role.SYSTEM_ADMIN])


CONTEXT = {"addressee": "仁济大药房", "text": "温度 < 20℃ & 湿度", "rows": [{"item": "冷链"}]}
FILLED = {**CONTEXT, "number": "测通〔2026〕9号"}


# --- layout ----------------------------------------------------------------------------------


def test_layout_sets_the_gbt9704_page_and_the_east_asian_fonts() -> None:
    doc = OfficialDocument()
    doc.title("标题")
    doc.paragraph("正文")
    parsed = Document(io.BytesIO(doc.to_bytes()))
    section = parsed.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin)
    sides = (section.left_margin, section.right_margin)
    assert [round(length.mm) for length in (*sizes, *sides)] == [210, 297, 37, 35, 28, 26]
    normal = parsed.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title, body = parsed.paragraphs
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.runs[0].font.size.pt == 22
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    footer = section.footer.paragraphs[0]
    assert footer.text == "—  —"  # the PAGE field's result sits inside w:fldSimple
    field = footer._p.find(qn("w:fldSimple"))
    assert field.get(qn("w:instr")) == "PAGE"
    assert section.even_page_footer.paragraphs[0]._p.find(qn("w:fldSimple")) is not None


# --- sandbox ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{{ joiner.__init__.__globals__['os'].system('id') }}",
        "{{ addressee|attr('__class__') }}",
        "{{ rows.append(1) }}",
        "{{ 9 ** 9 ** 9 }}",
        "{{ 'x' * 100000000 }}",
    ],
)
def test_sandbox_refuses_a_template_that_reaches_for_code(expression: str) -> None:
    with pytest.raises(TemplateRenderError):
        render_docx(notice_template(expression), FILLED)


def test_sandbox_keeps_markup_characters_as_text() -> None:
    content = render_docx(notice_template(), FILLED)
    assert "仁济大药房：温度 < 20℃ & 湿度" in texts(content)
    assert "1. 冷链" in texts(content)


def test_undefined_placeholder_is_an_error_naming_it() -> None:
    with pytest.raises(TemplateRenderError) as caught:
        render_docx(notice_template("{{ adressee }}"), FILLED)
    assert caught.value.message == (
        "模板中的占位符 adressee 无法渲染：没有这个字段（名称拼写有误或该文书不提供）"
    )


# --- templates ------------------------------------------------------------------------------


def test_upload_with_a_bad_placeholder_is_refused_by_name(
    kind: DocumentKind, sysadmin: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.upload_template(
            actor=sysadmin, kind=KIND, content=notice_template("{{ entity_nam }}"), name="x.docx"
        )
    assert caught.value.code == "template_failed"
    assert caught.value.messages[0].startswith("模板中的占位符 entity_nam 无法渲染：")
    assert "addressee" in caught.value.messages[0]
    assert not DocumentTemplate.objects.exists()


def test_upload_with_a_failing_attribute_names_it(kind: DocumentKind, sysadmin: User) -> None:
    bad = notice_template("{% for r in rows %}{{ r.amount }}{% endfor %}")
    with pytest.raises(ValidationError) as caught:
        services.upload_template(actor=sysadmin, kind=KIND, content=bad, name="x.docx")
    assert caught.value.messages[0].startswith("模板中的占位符 amount 无法渲染：")


def test_upload_of_a_file_that_is_not_docx_is_refused(kind: DocumentKind, sysadmin: User) -> None:
    with pytest.raises(ValidationError) as caught:
        services.upload_template(actor=sysadmin, kind=KIND, content=b"MZ\x90\x00", name="a.docx")
    assert caught.value.code == "template_not_docx"


def test_upload_and_revert_are_audited_and_change_the_current_template(
    kind: DocumentKind, sysadmin: User
) -> None:
    replacement = notice_template("新模板：{{ addressee }}")
    template = services.upload_template(
        actor=sysadmin, kind=KIND, content=replacement, name="新.docx"
    )
    assert services.current_template(kind) == replacement
    uploaded = AuditEvent.objects.get(action="core.document_template.uploaded")
    assert (uploaded.before, uploaded.after["sm3"]) == ({"template": "default"}, template.sm3)
    services.revert_template(actor=sysadmin, kind=KIND, reason="格式有误")
    assert services.current_template(kind) == notice_template()
    reverted = AuditEvent.objects.get(action="core.document_template.reverted")
    assert (reverted.after, reverted.reason) == ({"template": "default", "kind": KIND}, "格式有误")
    template.refresh_from_db()
    assert (template.is_active, template.retired_at is not None) == (False, True)
    with pytest.raises(ValidationError):
        services.revert_template(actor=sysadmin, kind=KIND)


def test_only_the_system_administrator_replaces_templates(kind: DocumentKind, db: Any) -> None:
    chief = UserFactory(roles=[Role.SECTION_CHIEF])
    with pytest.raises(PermissionDenied):
        services.upload_template(actor=chief, kind=KIND, content=notice_template(), name="a.docx")


# --- generated documents ----------------------------------------------------------------------


def generate(kind: DocumentKind, **kwargs: Any) -> GeneratedDocument:
    unit = kwargs.pop("subject", None) or OrgUnitFactory()
    actor = kwargs.pop("actor", None) or UserFactory(org_unit=unit)
    return services.generate_document(
        actor=actor, kind=KIND, subject=unit, context=CONTEXT, number_prefix="测通", **kwargs
    )


def test_generated_document_carries_the_fields_number_font_and_digest(
    kind: DocumentKind, storage: Path
) -> None:
    doc = generate(kind)
    content = services.stored_path(doc).read_bytes()
    assert services.stored_path(doc).is_relative_to(storage)
    parsed = Document(io.BytesIO(content))
    lines = [p.text for p in parsed.paragraphs]
    assert doc.number.startswith("测通〔") and doc.number.endswith("〕1号")
    assert lines[:3] == ["测试通知书", doc.number, "仁济大药房：温度 < 20℃ & 湿度"]
    title_fonts = parsed.paragraphs[0].runs[0]._element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert services.audit.sm3_hex(content) == doc.sm3
    event = AuditEvent.objects.get(action="core.document.generated")
    assert event.after["sm3"] == doc.sm3 and event.after["number"] == doc.number


def test_reprint_returns_the_stored_document_unless_a_new_version_is_asked(
    kind: DocumentKind, storage: Path
) -> None:
    unit = OrgUnitFactory()
    first = generate(kind, subject=unit)
    assert generate(kind, subject=unit) == first
    second = generate(kind, subject=unit, new_version=True)
    assert (second.version, second.number.endswith("〕2号")) == (2, True)
    assert GeneratedDocument.objects.count() == 2


def test_a_flipped_byte_is_detected_on_read_and_audited(kind: DocumentKind, storage: Path) -> None:
    doc = generate(kind)
    path = services.stored_path(doc)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    reader = UserFactory()
    with pytest.raises(services.DocumentTamperedError):
        services.read_document(doc, actor=reader)
    event = AuditEvent.objects.get(action="core.document.tampered")
    assert (event.success, event.actor_id, event.before) == (False, reader.pk, {"sm3": doc.sm3})
    assert not AuditEvent.objects.filter(action="core.document.downloaded").exists()


def test_download_view_checks_scope_and_digest(kind: DocumentKind, storage: Path) -> None:
    unit = OrgUnitFactory()
    member = UserFactory(org_unit=unit)
    doc = generate(kind, subject=unit, actor=member)
    client = Client()
    sign_in(client, member)
    response = client.get(f"/documents/{doc.pk}/download/")
    assert response.status_code == 200
    assert response["X-Content-SM3"] == doc.sm3
    assert AuditEvent.objects.filter(action="core.document.downloaded").count() == 1
    outsider = Client()
    sign_in(outsider, UserFactory())
    assert outsider.get(f"/documents/{doc.pk}/download/").status_code == 404
    assert AuditEvent.objects.filter(action="core.document.denied", success=False).count() == 1
    services.stored_path(doc).write_bytes(b"not the document")
    tampered = client.get(f"/documents/{doc.pk}/download/")
    assert tampered.status_code == 409
    assert "与生成时记录的 SM3 摘要不一致" in tampered.content.decode()


# --- template pages -------------------------------------------------------------------------


def zip_members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_template_pages_upload_refuse_and_revert(kind: DocumentKind, sysadmin: User) -> None:
    client = Client()
    sign_in(client, sysadmin)
    assert "测试通知书" in client.get("/documents/templates/").content.decode()
    page = f"/documents/templates/{KIND}/"
    bad = io.BytesIO(notice_template("{{ entity_nam }}"))
    bad.name = "bad.docx"
    refused = client.post(page, {"template": bad})
    assert refused.status_code == 200
    assert "模板中的占位符 entity_nam 无法渲染" in refused.content.decode()
    good = io.BytesIO(notice_template("替换：{{ addressee }}"))
    good.name = "good.docx"
    assert client.post(page, {"template": good}).status_code == 302
    current = client.get(f"{page}current.docx")
    assert "替换：{{ addressee }}" in texts(current.content)
    default = client.get(f"{page}default.docx")
    # the same parts, byte for byte (a zip also stamps each member with the time it was built)
    assert zip_members(default.content) == zip_members(notice_template())
    assert client.post(f"{page}revert/", {"reason": "恢复"}).status_code == 302
    assert not DocumentTemplate.objects.filter(is_active=True).exists()


def test_template_pages_refuse_other_roles(kind: DocumentKind, db: Any) -> None:
    client = Client()
    sign_in(client, UserFactory(roles=[Role.SECTION_CHIEF]))
    assert client.get("/documents/templates/").status_code == 403
    assert client.get(f"/documents/templates/{KIND}/default.docx").status_code == 403
    assert OrgUnit.objects.exists()


def test_upload_that_unpacks_too_large_is_refused(kind: DocumentKind, sysadmin: User) -> None:
    buffer = io.BytesIO(notice_template())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", b"\0" * (51 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        services.upload_template(actor=sysadmin, kind=KIND, content=buffer.getvalue(), name="a")
    assert caught.value.code == "template_too_large"
