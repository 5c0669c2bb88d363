"""The hash-chained, append-only audit log and the auditor's search page (S14–S16)."""

import datetime as dt
import importlib
import itertools
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf and API schemas built before any clock is frozen)
from yaoan.common.testing import OrgUnitFactory, UserFactory, sign_in
from yaoan.core import audit
from yaoan.core.audit import GENESIS_HASH, entry_hash, verify_chain
from yaoan.core.enums import Role
from yaoan.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db

TRIGGERS = importlib.import_module(
    "yaoan.core.migrations.0002_audit_append_only_and_deadline_rules"
)


def drop_audit_triggers():
    """What an attacker with DDL rights could do; the chain must still show the edit."""
    statements = {"sqlite": TRIGGERS.SQLITE_DROP, "postgresql": TRIGGERS.POSTGRES_DROP}
    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)


def raw_sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def five_events():
    user = UserFactory(username="zhangsan")
    return [
        audit.record(f"test.event.n{i}", actor=user, reason=f"原因{i}", after={"i": i})
        for i in range(1, 6)
    ]


def test_record_chains_rows():
    events = five_events()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.entry_hash
    assert len({e.entry_hash for e in events}) == 5
    head = AuditChainHead.objects.get(id=1)
    assert (head.last_seq, head.last_hash) == (5, events[-1].entry_hash)


def test_record_fields_and_hash_cover_the_stored_row():
    org = OrgUnitFactory(code="drug-section")
    user = UserFactory(username="lisi", org_unit=org)
    event = audit.record(
        "test.thing.changed",
        actor=user,
        obj=org,
        before={"when": dt.date(2025, 1, 1)},
        after={"when": dt.date(2025, 2, 1)},
        reason="更正",
    )
    stored = AuditEvent.objects.values(*audit.HASHED_FIELDS, "prev_hash").get(pk=event.pk)
    assert stored["actor_username"] == "lisi"
    assert stored["org_unit_id"] == org.pk
    assert (stored["object_type"], stored["object_id"]) == ("core.orgunit", str(org.pk))
    assert stored["before"] == {"when": "2025-01-01"}
    assert entry_hash(stored["prev_hash"], stored) == event.entry_hash


def test_verify_clean_chain():
    five_events()
    result = verify_chain()
    assert result.ok
    assert result.checked == 5
    call_command("audit", "verify")


def test_verify_empty_chain():
    assert verify_chain().ok


def test_orm_update_is_refused_by_the_database():
    event = five_events()[2]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="改过")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.reason = "改过"
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == "原因3"


def test_raw_sql_update_and_delete_are_refused_by_the_database():
    event = five_events()[2]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["改过", event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw_sql("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.count() == 5
    assert verify_chain().ok


def test_edited_row_is_reported_as_content_break():
    event = five_events()[2]
    drop_audit_triggers()
    raw_sql("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["改过", event.pk])
    result = verify_chain()
    assert (result.first_break.seq, result.first_break.reason) == (3, "content")
    assert result.checked == 2


def test_edited_and_rehashed_row_breaks_the_next_link():
    events = five_events()
    drop_audit_triggers()
    raw_sql("UPDATE core_auditevent SET entry_hash = %s WHERE id = %s", ["f" * 64, events[1].pk])
    result = verify_chain()
    assert (result.first_break.seq, result.first_break.reason) == (2, "content")


def test_deleted_middle_row_is_reported_missing():
    events = five_events()
    drop_audit_triggers()
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    result = verify_chain()
    assert (result.first_break.seq, result.first_break.reason) == (3, "missing")


def test_deleted_middle_row_with_renumbering_breaks_prev_hash():
    events = five_events()
    drop_audit_triggers()
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    raw_sql("UPDATE core_auditevent SET seq = seq - 1 WHERE seq > 3")
    result = verify_chain()
    assert (result.first_break.seq, result.first_break.reason) == (3, "prev_hash")


def test_deleted_last_row_is_reported_truncated():
    events = five_events()
    drop_audit_triggers()
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [events[-1].pk])
    result = verify_chain()
    assert (result.first_break.seq, result.first_break.reason) == (5, "truncated")


def test_edited_and_rehashed_last_row_is_reported_against_the_head():
    events = five_events()
    last = events[-1]
    drop_audit_triggers()
    forged = {**AuditEvent.objects.filter(pk=last.pk).values(*audit.HASHED_FIELDS).get()}
    forged["reason"] = "改过"
    raw_sql(
        "UPDATE core_auditevent SET reason = %s, entry_hash = %s WHERE id = %s",
        ["改过", entry_hash(last.prev_hash, forged), last.pk],
    )
    result = verify_chain()
    assert (result.first_break.seq, result.first_break.reason) == (5, "head")


def test_rows_appended_during_the_walk_are_not_a_break(monkeypatch):
    five_events()
    walk = audit._rows

    def walk_while_someone_signs_in(last_seq):
        rows = walk(last_seq)
        yield next(rows)
        audit.record("test.event.during_walk", actor=None)
        yield from rows

    monkeypatch.setattr(audit, "_rows", walk_while_someone_signs_in)
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 5)
    monkeypatch.undo()
    assert verify_chain().checked == 6


def test_verify_command_names_the_broken_seq():
    event = five_events()[3]
    drop_audit_triggers()
    raw_sql("UPDATE core_auditevent SET actor_username = %s WHERE id = %s", ["nobody", event.pk])
    with pytest.raises(CommandError) as info:
        call_command("audit", "verify")
    assert str(info.value) == (
        "audit chain broken at event #4: its content does not match its hash "
        "(this row was edited) (3 events verified before it)"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_keep_one_unbroken_chain():
    threads_n, rounds = 8, 5
    errors: list[BaseException] = []
    start = threading.Barrier(threads_n)

    def worker(n):
        try:
            start.wait()
            for i in range(rounds):
                with transaction.atomic():
                    audit.record(f"test.thread{n}.event", reason=str(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    total = threads_n * rounds
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, total + 1)
    )
    result = verify_chain()
    assert (result.ok, result.checked) == (True, total)


# --- the auditor's page ----------------------------------------------------------------


@pytest.fixture
def auditor(db):
    return UserFactory(
        username="auditor1", org_unit=OrgUnitFactory(code="it"), roles=[Role.AUDIT_ADMIN]
    )


def seqs(response):
    return [e.seq for e in response.context["page_obj"]]


@pytest.fixture
def history(db):
    """Events on three days by two people; returns their seqs by name."""
    wang = UserFactory(username="wangwu")
    zhao = UserFactory(username="zhaoliu")
    # an id no user of the test can have: sign-in events name the user by id
    org = OrgUnitFactory(pk=90001, code="target", name="被查单位")
    with freeze_time("2026-03-01 09:00:00+08:00"):
        a = audit.record("registry.entity.created", actor=wang, obj=org)
    with freeze_time("2026-03-02 23:30:00+08:00"):
        b = audit.record("registry.entity.updated", actor=zhao, obj=org, reason="更正")
    with freeze_time("2026-03-03 00:30:00+08:00"):
        c = audit.record("core.user.created", actor=wang, object_type="core.user", object_id="77")
    return {"a": a.seq, "b": b.seq, "c": c.seq, "org": org}


def search(client, **params):
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return response


def test_auditor_searches_by_object_actor_action_and_dates(client, auditor, history):
    a, b, c, org = history["a"], history["b"], history["c"], history["org"]
    sign_in(client, auditor)
    assert seqs(search(client, q_object="core.orgunit")) == [b, a]
    assert seqs(search(client, q_object=str(org.pk))) == [b, a]
    assert seqs(search(client, q_object="被查")) == [b, a]
    assert seqs(search(client, q_object="77")) == [c]
    assert seqs(search(client, actor="zhao")) == [b]
    assert seqs(search(client, action="registry.entity")) == [b, a]
    assert seqs(search(client, action="core.user")) == [c]
    assert seqs(search(client, action="entity")) == []  # a prefix, not a substring
    # dates are local (Asia/Shanghai) days, both ends inclusive
    assert seqs(search(client, date_from="2026-03-02", date_to="2026-03-02")) == [b]
    assert seqs(search(client, date_from="2026-03-03", date_to="2026-03-03")) == [c]
    assert seqs(search(client, date_to="2026-03-01")) == [a]


def test_audit_search_date_to_before_date_from_is_a_form_error(client, auditor, history):
    sign_in(client, auditor)
    response = search(client, date_from="2026-03-03", date_to="2026-03-01")
    assert response.context["form"].errors == {"date_to": ["截止日期不能早于起始日期。"]}
    assert "截止日期不能早于起始日期。" in response.content.decode()


def test_audit_page_shows_changes(client, auditor, history):
    sign_in(client, auditor)
    page = search(client, q_object="core.orgunit").content.decode()
    assert "registry.entity.updated" in page
    assert "更正" in page
    assert "zhaoliu" in page


@pytest.mark.parametrize(
    "role",
    [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.SECTION_CHIEF, Role.INSPECTOR, Role.LEADER],
)
def test_non_auditors_are_refused_and_the_refusal_is_audited(client, role):
    user = UserFactory(roles=[role])
    sign_in(client, user)
    before = AuditEvent.objects.count()
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.count() == before + 1
    denied = AuditEvent.objects.get(action="core.access.denied")
    assert (denied.actor_id, denied.success, denied.object_type, denied.object_id) == (
        user.pk,
        False,
        "url",
        "/audit/",
    )
    assert denied.ip_address == "127.0.0.1"
