"""The keyed audit chain and its signed checkpoints outside the database (S15): the two
rewrites a database administrator could do without the key, and a rollback of the whole
database to an older copy."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from yaoan.common.testing import UserFactory
from yaoan.core import audit, audit_checkpoints
from yaoan.core.actors import system_actor
from yaoan.core.audit import GENESIS_HASH, sm3_hex, verify_chain
from yaoan.core.models import AuditChainHead, AuditEvent
from yaoan.core.tests.test_audit import drop_audit_triggers, raw_sql

pytestmark = pytest.mark.django_db


def events(n, start=1):
    user = UserFactory()
    return [
        audit.record(f"test.event.n{i}", actor=user, reason=f"原因{i}")
        for i in range(start, start + n)
    ]


def set_head(seq, head_hash, keyed_from=None):
    keyed = "" if keyed_from is None else f", keyed_from_seq = {int(keyed_from)}"
    raw_sql(
        f"UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s{keyed} WHERE id = 1",  # noqa: S608
        [seq, head_hash],
    )


def rehash_from(seq, hasher):
    """An attacker's rewrite: every row from ``seq`` on re-hashed and re-linked, head too."""
    rows = AuditEvent.objects.order_by("seq").values(*audit.HASHED_FIELDS, "id", "prev_hash")
    prev = GENESIS_HASH
    for row in rows:
        if row["seq"] >= seq:
            new_hash = hasher(prev.encode() + audit._entry_payload(row))
            raw_sql(
                "UPDATE core_auditevent SET prev_hash = %s, entry_hash = %s WHERE id = %s",
                [prev, new_hash, row["id"]],
            )
            prev = new_hash
        else:
            prev = AuditEvent.objects.get(id=row["id"]).entry_hash
    set_head(rows.count(), prev)


def break_of(result):
    return (result.first_break.seq, result.first_break.reason)


def checkpoint_seqs():
    return [(line.checkpoint.seq, line.checkpoint.kind) for line in audit_checkpoints.read_all()]


def test_keyed_rows_are_hmac_sm3_under_the_key_not_plain_sm3():
    event = events(1)[0]
    row = AuditEvent.objects.values(*audit.HASHED_FIELDS).get(pk=event.pk)
    data = GENESIS_HASH.encode() + audit._entry_payload(row)
    assert event.entry_hash == audit_checkpoints.hmac_sm3_hex(b"test-only-audit-key", data)
    assert event.entry_hash != sm3_hex(data)


def test_deleting_the_last_row_and_rolling_back_the_head_is_reported():
    rows = events(5)
    assert verify_chain().ok  # a checkpoint of #5 is written outside the database
    drop_audit_triggers()
    raw_sql("DELETE FROM core_auditevent WHERE seq = 5")
    set_head(4, rows[3].entry_hash)
    result = verify_chain()
    assert break_of(result) == (5, "rolled_back")
    with pytest.raises(CommandError) as info:
        call_command("audit", "verify")
    message = str(info.value)
    assert message.startswith("audit chain broken at event #5: a checkpoint recorded this event")
    assert "the log ends at #4" in message


def test_editing_a_row_and_rehashing_every_row_after_it_without_the_key_is_reported():
    events(5)
    drop_audit_triggers()
    raw_sql("UPDATE core_auditevent SET reason = %s WHERE seq = 3", ["改过"])
    rehash_from(3, sm3_hex)  # the attacker knows the algorithm, not the key
    assert break_of(verify_chain()) == (3, "content")
    rehash_from(3, lambda data: audit_checkpoints.hmac_sm3_hex(b"a guessed key", data))
    assert break_of(verify_chain()) == (3, "content")


def test_passing_forged_rows_off_as_unkeyed_is_caught_by_the_checkpoints():
    events(5)
    assert verify_chain().ok
    drop_audit_triggers()
    raw_sql("UPDATE core_auditevent SET reason = %s WHERE seq = 3", ["改过"])
    rehash_from(3, sm3_hex)
    set_head(5, AuditEvent.objects.get(seq=5).entry_hash, keyed_from=1000)
    assert break_of(verify_chain()) == (1000, "keyed_from")


def test_rollback_to_an_older_copy_of_the_database_is_reported():
    older = events(3)
    assert verify_chain().ok  # checkpoint of #3
    events(2, start=4)
    assert verify_chain().ok  # checkpoint of #5
    # the older copy is put back behind the system's back: rows 4–5 and the head as at #3
    drop_audit_triggers()
    raw_sql("DELETE FROM core_auditevent WHERE seq > 3")
    set_head(3, older[-1].entry_hash)
    assert break_of(verify_chain()) == (5, "rolled_back")
    # … and written to since: the chain is valid and long enough, but not the one checkpointed
    events(3, start=10)
    result = verify_chain()
    assert break_of(result) == (5, "diverged")
    assert result.checked == 4


def test_a_sanctioned_restore_starts_a_new_baseline():
    older = events(3)
    assert verify_chain().ok
    events(2, start=4)
    assert verify_chain().ok
    drop_audit_triggers()
    raw_sql("DELETE FROM core_auditevent WHERE seq > 3")
    set_head(3, older[-1].entry_hash)
    # the backup actor's first use is itself recorded (seq 4), then the restore (seq 5)
    audit.accept_restored_chain(actor=system_actor("backup"), reason="按备份 2026-12-01 恢复")
    restored = AuditEvent.objects.get(seq=5)
    assert (restored.action, restored.actor_username) == (
        "core.audit.chain_restored",
        "system:backup",
    )
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 5)
    assert checkpoint_seqs()[-2:] == [(5, "restore"), (5, "verify")]


def test_an_edited_checkpoint_is_not_trusted():
    events(2)
    assert verify_chain().ok
    path = audit_checkpoints._path()
    line = json.loads(path.read_text().splitlines()[-1])
    line["seq"] = 1  # moved back so that a truncation would pass
    path.write_text(json.dumps(line) + "\n")
    result = verify_chain()
    assert break_of(result) == (0, "checkpoint_signature")
    with pytest.raises(CommandError, match="checkpoint's signature does not match"):
        call_command("audit", "verify")


def test_rows_from_before_keying_still_verify_with_plain_sm3():
    """What the keying migration does to an existing log: rows so far stay plain SM3, keying
    starts with the next row."""
    AuditChainHead.objects.create(id=1, last_seq=0, last_hash=GENESIS_HASH, keyed_from_seq=10**9)
    old = events(3)
    AuditChainHead.objects.filter(id=1).update(keyed_from_seq=4)
    new = events(2, start=4)
    row = AuditEvent.objects.values(*audit.HASHED_FIELDS).get(pk=old[0].pk)
    assert old[0].entry_hash == sm3_hex(GENESIS_HASH.encode() + audit._entry_payload(row))
    first_keyed = AuditEvent.objects.values(*audit.HASHED_FIELDS).get(pk=new[0].pk)
    assert new[0].entry_hash == audit.entry_hash(old[-1].entry_hash, first_keyed, keyed=True)
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 5)
    assert audit_checkpoints.read_all()[-1].checkpoint.keyed_from == 4


def test_checkpoints_are_written_at_intervals_after_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_EVERY = 2
    with django_capture_on_commit_callbacks(execute=True):
        events(5)
    # the first (there was none yet), then every second event; none was older than an hour
    assert checkpoint_seqs() == [(1, "interval"), (2, "interval"), (4, "interval")]
    assert verify_chain().ok
    assert checkpoint_seqs()[-1] == (5, "verify")


def test_verify_without_key_refuses_to_run(settings):
    events(1)
    settings.AUDIT_KEY = ""
    with pytest.raises(Exception, match="YAOAN_AUDIT_KEY"):
        verify_chain()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles: PostgreSQL only")
def test_the_application_role_cannot_update_delete_or_truncate_the_audit_table(settings):
    from django.db import DatabaseError, transaction

    role = settings.AUDIT_APP_DB_ROLE
    if not role:
        pytest.skip("YAOAN_DB_APP_ROLE is not configured (.ci/pg.sh creates yaoan_app)")
    events(2)
    with transaction.atomic():
        raw_sql(f'SET LOCAL ROLE "{role}"')
        audit.record("test.as_app_role")  # the application still appends
        for sql in (
            "UPDATE core_auditevent SET reason = 'x'",
            "DELETE FROM core_auditevent",
            "TRUNCATE core_auditevent",
        ):
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                raw_sql(sql)
    assert AuditEvent.objects.count() == 3
