"""The hash-chained audit log: append, and verify (S14–S18).

Each row's hash covers the previous row's hash and this row's own fields in a canonical
JSON form. Rows from ``AuditChainHead.keyed_from_seq`` on are chained with HMAC-SM3 under
the audit key, which is kept outside the database, so someone who can rewrite the database
cannot re-hash rows after an edit; rows written before keying was introduced keep their
plain SM3 (GB/T 32905) hashes and verify as before. Signed checkpoints outside the database
(``audit_checkpoints``) catch what a valid chain cannot show: its newest rows deleted and
the head rolled back, or an older copy of the database put back. The chain head row is
locked for the append, which serialises concurrent writers on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from yaoan.common.masking import mask_personal
from yaoan.core import audit_checkpoints as checkpoints
from yaoan.core.context import current_request
from yaoan.core.models import AuditChainHead, AuditEvent, OrgUnit, User
from yaoan.core.pii.crypto import keyed_digest
from yaoan.core.pii.fields import personal_fields

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_username",
    "org_unit_id",
    "action",
    "success",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "ip_address",
    "user_agent",
    "request_id",
)


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _canonical(value: Any) -> Any:
    """Round-trip through JSON so a value hashes the same before saving and after loading."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


# a before/after string longer than this is kept as its start and a marker with its length:
# the log shows what changed without a megabyte row for every oversized value
AUDIT_VALUE_MAX_CHARS = 2000


def _capped(value: Any) -> Any:
    """``value`` with every long string cut to AUDIT_VALUE_MAX_CHARS and marked."""
    if isinstance(value, str) and len(value) > AUDIT_VALUE_MAX_CHARS:
        return f"{value[:AUDIT_VALUE_MAX_CHARS]}…[已截断，共 {len(value)} 字符]"
    if isinstance(value, dict):
        return {key: _capped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_capped(item) for item in value]
    return value


def _entry_payload(fields: Mapping[str, Any]) -> bytes:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    occurred = payload["occurred_at"]
    payload["occurred_at"] = occurred.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(
        _canonical(payload), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()


def entry_hash(prev_hash: str, fields: Mapping[str, Any], *, keyed: bool = True) -> str:
    """HMAC-SM3 under the audit key; plain SM3 only for rows from before keying began."""
    data = prev_hash.encode() + _entry_payload(fields)
    return checkpoints.hmac_sm3_hex(checkpoints.audit_key(), data) if keyed else sm3_hex(data)


def snapshot(instance: models.Model, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """The before/after picture of a model instance: concrete field values by attname.
    Personal data goes in masked (S12: the log must not hold it in clear)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    personal = {f.attname: f.kind for f in personal_fields(type(instance))}
    return _canonical(
        {
            name: personal_trace(personal[name], getattr(instance, name))
            if name in personal
            else getattr(instance, name)
            for name in names
        }
    )


def personal_trace(kind: str, value: str) -> str:
    """Masked, with a keyed digest so an edit that keeps the visible digits still shows
    as a change (138****1234#L4GZQ2JX)."""
    if not value:
        return ""
    return f"{mask_personal(kind, value)}#{keyed_digest(kind, str(value))[:8]}"


def object_label(instance: models.Model) -> str:
    return f"{instance._meta.app_label}.{instance._meta.model_name}"


def record(
    action: str,
    *,
    actor: User | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
    success: bool = True,
    actor_username: str = "",
    org_unit: OrgUnit | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records."""
    ctx = current_request.get()
    if obj is not None:
        object_type = object_type or object_label(obj)
        object_id = object_id or str(obj.pk)
    authenticated = actor is not None and actor.is_authenticated
    fields: dict[str, Any] = {
        "occurred_at": timezone.now(),  # the server clock, never the client's (S18)
        "actor_id": actor.pk if authenticated and actor else None,
        "actor_username": (actor.username if authenticated and actor else actor_username)[:150],
        "org_unit_id": (
            org_unit.pk if org_unit else (actor.org_unit_id if authenticated and actor else None)
        ),
        "action": action,
        "success": success,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": (str(obj) if obj is not None else "")[:200],
        "before": _capped(_canonical(dict(before))) if before is not None else None,
        "after": _capped(_canonical(dict(after))) if after is not None else None,
        "reason": reason,
        "ip_address": ctx.ip_address,
        "user_agent": ctx.user_agent[:300],
        "request_id": ctx.request_id,
    }
    # no savepoint of its own: a failed append must undo the change it records, and a
    # savepoint costs two round trips on every audited change
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_seq": 0, "last_hash": GENESIS_HASH, "keyed_from_seq": 1}
        )
        fields["seq"] = head.last_seq + 1
        fields["prev_hash"] = head.last_hash
        keyed = fields["seq"] >= head.keyed_from_seq
        fields["entry_hash"] = entry_hash(head.last_hash, fields, keyed=keyed)
        event = AuditEvent.objects.create(**fields)
        head.last_seq = event.seq
        head.last_hash = event.entry_hash
        head.save(update_fields=["last_seq", "last_hash"])
        keyed_from = head.keyed_from_seq
        transaction.on_commit(lambda: _checkpoint_if_due(event.seq, event.entry_hash, keyed_from))
    return event


def _checkpoint_if_due(seq: int, head_hash: str, keyed_from: int) -> None:
    """After the commit only: a checkpoint of a rolled-back event would accuse the chain."""
    if checkpoints.due(seq):
        checkpoints.write(
            seq=seq, head_hash=head_hash, count=seq, keyed_from=keyed_from, kind="interval"
        )


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return {k: after[k] for k in after if before.get(k) != after[k]}


def record_update(
    action: str,
    *,
    actor: User,
    obj: models.Model,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    reason: str = "",
) -> AuditEvent | None:
    """Record an edit with only the fields that changed; nothing when nothing did."""
    changed = changed_fields(before, after)
    if not changed:
        return None
    return record(
        action,
        actor=actor,
        obj=obj,
        reason=reason,
        before={k: before[k] for k in changed},
        after=changed,
    )


def record_refusal(action: str, *, actor: User, path: str) -> AuditEvent:
    """A request refused for lack of a role or of scope (S14)."""
    return record(action, actor=actor, success=False, object_type="url", object_id=path[:64])


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str
    detail: str = ""  # which checkpoint, when: for the breaks only a checkpoint can show


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _rows(last_seq: int) -> Iterator[dict[str, Any]]:
    values = [*HASHED_FIELDS, "prev_hash", "entry_hash"]
    rows = AuditEvent.objects.filter(seq__lte=last_seq).order_by("seq").values(*values)
    yield from rows.iterator(chunk_size=5000)


def _trusted_checkpoints() -> list[checkpoints.Checkpoint] | ChainBreak:
    lines = checkpoints.since_last_restore(checkpoints.read_all())
    for line in lines:
        if line.checkpoint is None:
            return ChainBreak(0, f"checkpoint_{line.problem}", f"line {line.lineno}")
    return [line.checkpoint for line in lines if line.checkpoint is not None]


def _against_checkpoints(
    marks: list[checkpoints.Checkpoint], last_seq: int, keyed_from: int
) -> ChainBreak | None:
    """What the database alone cannot show: keying moved, or the head behind a checkpoint."""
    for mark in marks:
        if mark.keyed_from != keyed_from:
            detail = f"checkpoint of {mark.at}: keyed from #{mark.keyed_from}"
            return ChainBreak(keyed_from, "keyed_from", detail)
    latest = max(marks, key=lambda m: m.seq, default=None)
    if latest is not None and latest.seq > last_seq:
        detail = f"checkpoint of {latest.at} recorded #{latest.seq}, the log ends at #{last_seq}"
        return ChainBreak(latest.seq, "rolled_back", detail)
    return None


def data_version() -> str:
    """A stamp that changes with every recorded change: every state change writes an audit
    row, which moves the chain's head (pages keep summaries until it moves)."""
    head = AuditChainHead.objects.filter(id=1).values_list("last_seq", "last_hash").first()
    return f"{head[0]}-{head[1][:16]}" if head else "0"


def verify_chain(*, checkpoint: bool = True) -> VerifyResult:
    """Walk the chain from the first row to the head as it was when the walk began; report
    the first row that does not link up, or the first checkpoint the chain does not meet.
    An intact chain is then checkpointed (``checkpoint=False`` to only look).

    Checkpoints are read before the head: one written by an append that commits during the
    walk is then never ahead of the head read. Rows appended while the walk runs are newer
    than the head and not part of what is checked (read after the walk, they looked like a
    truncation). The last row's hash must be the head's, or an edited and re-hashed last
    row would pass."""
    marks = _trusted_checkpoints()
    if isinstance(marks, ChainBreak):
        return VerifyResult(0, marks)
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq, last_hash, keyed_from = (
        (head.last_seq, head.last_hash, head.keyed_from_seq) if head else (0, GENESIS_HASH, 1)
    )
    problem = _against_checkpoints(marks, last_seq, keyed_from)
    if problem is not None:
        return VerifyResult(0, problem)
    result = _walk(last_seq, last_hash, keyed_from, {m.seq: m for m in marks})
    if result.ok and checkpoint:
        checkpoints.write(
            seq=last_seq,
            head_hash=last_hash,
            count=result.checked,
            keyed_from=keyed_from,
            kind="verify",
        )
    return result


def _walk(
    last_seq: int, last_hash: str, keyed_from: int, marks: Mapping[int, checkpoints.Checkpoint]
) -> VerifyResult:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for row in _rows(last_seq):
        seq = row["seq"]
        if seq != expected_seq:
            return VerifyResult(checked, ChainBreak(expected_seq, "missing"))
        if row["prev_hash"] != expected_prev:
            return VerifyResult(checked, ChainBreak(seq, "prev_hash"))
        if entry_hash(row["prev_hash"], row, keyed=seq >= keyed_from) != row["entry_hash"]:
            return VerifyResult(checked, ChainBreak(seq, "content"))
        mark = marks.get(seq)
        if mark is not None and mark.hash != row["entry_hash"]:
            detail = f"checkpoint of {mark.at}"
            return VerifyResult(checked, ChainBreak(seq, "diverged", detail))
        expected_prev = row["entry_hash"]
        expected_seq = seq + 1
        checked += 1
    if checked != last_seq:
        return VerifyResult(checked, ChainBreak(expected_seq, "truncated"))
    if expected_prev != last_hash:
        return VerifyResult(checked, ChainBreak(last_seq, "head"))
    return VerifyResult(checked, None)


def accept_restored_chain(*, actor: User, reason: str) -> checkpoints.Checkpoint:
    """A sanctioned restore (``yaoan restore``) puts back an older chain on purpose: verify
    it as it stands, then start a new baseline of checkpoints from its head. A restore
    behind the system's back has no such checkpoint, and verify reports it as a rollback."""
    head = AuditChainHead.objects.filter(id=1).first()
    last_seq, last_hash, keyed_from = (
        (head.last_seq, head.last_hash, head.keyed_from_seq) if head else (0, GENESIS_HASH, 1)
    )
    result = _walk(last_seq, last_hash, keyed_from, {})
    if not result.ok:
        raise ValueError(f"the restored audit chain is broken: {result.first_break}")
    with transaction.atomic():
        record("core.audit.chain_restored", actor=actor, reason=reason)
    head = AuditChainHead.objects.get(id=1)
    return checkpoints.write(
        seq=head.last_seq,
        head_hash=head.last_hash,
        count=head.last_seq,
        keyed_from=head.keyed_from_seq,
        kind="restore",
    )
