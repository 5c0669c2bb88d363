"""Reporter protection (S10–S12): sealed at rest (a database dump holds no phone in clear),
masked in the API and the audit log, revealed only to a handler in scope with a reason
(audited, refusals too), and absent from everything addressed to the reported business."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from docx import Document

from yaoan.common.testing import api_client_for, client_for
from yaoan.complaints import documents, services
from yaoan.complaints.models import Complaint
from yaoan.complaints.tests.factories import PHONE, receive
from yaoan.core.audit_log import AuditEvent
from yaoan.core.documents.services import read_document

NAME = "张三丰"
ID_NUMBER = "110101199003071234"
ADDRESS = "江城街道幸福路8号"
SECRETS = (NAME, PHONE, ID_NUMBER, ADDRESS, "139 1234 5678")


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs)


def _database_text() -> str:
    """Every row of every table as the database holds it (the raw columns)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - table names from the schema
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_a_database_dump_holds_no_reporter_data_in_clear(world):
    c = receive(world.inspector, entity=world.pharmacy)
    c = services.accept_complaint(c, actor=world.inspector)
    documents.print_document(actor=world.inspector, complaint=c, kind=documents.ACCEPTANCE_NOTICE)
    dump = _database_text()
    assert c.number in dump  # the dump did read the table
    for secret in (PHONE, ID_NUMBER, NAME, ADDRESS):
        assert secret not in dump
    with connection.cursor() as cursor:
        table = Complaint._meta.db_table
        cursor.execute(f"SELECT reporter_phone FROM {table} WHERE id = %s", [c.pk])  # noqa: S608
        assert cursor.fetchone()[0].startswith("sm4$")


def test_the_api_masks_reporter_data_in_the_list_and_the_detail(world):
    c = receive(world.inspector, entity=world.pharmacy)
    client = api_client_for(world.inspector)
    listed = client.get("/api/complaints/").json()["results"][0]
    assert (listed["reporter_name"], listed["reporter_phone"]) == ("张**", "139****5678")
    detail = client.get(f"/api/complaints/{c.pk}").content.decode()
    for secret in SECRETS:
        assert secret not in detail
    # found by phone through the blind index, shown masked
    found = client.get("/api/complaints/", {"phone": "139-1234-5678"}).json()
    assert [r["id"] for r in found["results"]] == [c.pk]


def test_the_reveal_needs_a_handler_in_scope_and_a_reason_and_is_audited(world):
    c = receive(world.inspector, entity=world.pharmacy)
    url = f"/api/complaints/{c.pk}/reveal"
    handler = api_client_for(world.inspector)
    no_reason = handler.post(
        url, {"field": "reporter_phone", "reason": " "}, content_type="application/json"
    )
    assert no_reason.status_code == 422 and PHONE not in no_reason.content.decode()
    shown = handler.post(
        url, {"field": "reporter_phone", "reason": "回访投诉人"}, content_type="application/json"
    )
    assert shown.json() == {"field": "reporter_phone", "value": PHONE}
    event = AuditEvent.objects.get(action="core.pii.revealed")
    assert (event.actor_id, event.object_type, event.object_id, event.reason, event.after) == (
        world.inspector.pk,
        "complaints.complaint",
        str(c.pk),
        "回访投诉人",
        {"field": "reporter_phone"},
    )
    # a leader reads the record but may not unmask; another station does not see it at all
    refused = api_client_for(world.leader).post(
        url, {"field": "reporter_phone", "reason": "看看"}, content_type="application/json"
    )
    assert refused.status_code == 403 and PHONE not in refused.content.decode()
    assert AuditEvent.objects.filter(action="core.pii.reveal_refused", actor=world.leader).exists()
    hidden = api_client_for(world.other_inspector).post(
        url, {"field": "reporter_phone", "reason": "看看"}, content_type="application/json"
    )
    assert hidden.status_code == 404


def test_the_reveal_page_of_the_platform_serves_complaints(world):
    c = receive(world.inspector, entity=world.pharmacy)
    url = f"/pii/complaints.complaint/{c.pk}/reporter_phone/reveal/"
    shown = client_for(world.inspector).post(url, {"reason": "电话回访"}).content.decode()
    assert PHONE in shown
    assert client_for(world.leader).post(url, {"reason": "看看"}).status_code == 403


def test_the_audit_log_holds_reporter_data_masked_only(world):
    receive(world.inspector, entity=world.pharmacy)
    events = AuditEvent.objects.filter(action="complaints.complaint.received")
    text = json.dumps(
        [[e.before, e.after, e.reason, e.object_repr] for e in events], ensure_ascii=False
    )
    assert "139****5678" in text
    for secret in SECRETS:
        assert secret not in text


def test_the_document_for_the_business_never_holds_reporter_data(world):
    c = receive(world.inspector, entity=world.pharmacy, content=f"我是{NAME}，电话{PHONE}")
    c = services.accept_complaint(c, actor=world.inspector)
    doc = documents.print_document(
        actor=world.inspector, complaint=c, kind=documents.VERIFICATION_NOTICE
    )
    text = _docx_text(read_document(doc, actor=world.inspector))
    assert world.pharmacy.name in text
    context = json.dumps(doc.context, ensure_ascii=False)
    for secret in (*SECRETS, "张*", c.number, "我是"):
        assert secret not in text
        assert secret not in context


def test_letters_to_the_person_address_them_masked(world):
    c = receive(world.inspector, entity=world.pharmacy)
    c = services.accept_complaint(c, actor=world.inspector)
    doc = documents.print_document(
        actor=world.inspector, complaint=c, kind=documents.ACCEPTANCE_NOTICE
    )
    text = _docx_text(read_document(doc, actor=world.inspector))
    assert "张**：" in text and c.number in text
    for secret in SECRETS:
        assert secret not in text


def test_a_document_out_of_its_state_is_refused(world):
    from django.core.exceptions import ValidationError

    c = receive(world.inspector, entity=world.pharmacy)
    with pytest.raises(ValidationError):
        documents.print_document(actor=world.inspector, complaint=c, kind=documents.REPLY_LETTER)
