"""``yaoan audit verify``: walk the keyed hash chain, hold it to the signed checkpoints kept
outside the database, report the first problem, and checkpoint an intact chain (S15)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yaoan.core.audit import verify_chain

REASONS = {
    "prev_hash": "its prev_hash does not match the previous row (a row before it was changed "
    "or removed)",
    "content": "its content does not match its hash (this row was edited)",
    "missing": "the row with this sequence number is missing (deleted)",
    "truncated": "rows at the end of the chain are missing (deleted)",
    "head": "its hash is not the one the chain's head recorded (the last row was edited and "
    "re-hashed)",
    "rolled_back": "a checkpoint recorded this event but the log ends before it (the newest "
    "rows were deleted and the head rolled back, or an older copy of the database was put "
    "back)",
    "diverged": "its hash differs from the one a checkpoint recorded (the log was rewritten "
    "from here, or an older copy of the database was put back and written to since)",
    "keyed_from": "the row from which the chain is keyed differs from the checkpoints' (the "
    "chain head was altered to pass forged rows as unkeyed)",
    "checkpoint_signature": "a checkpoint's signature does not match (the checkpoint file "
    "was edited, or the audit key is not the one it was written with)",
    "checkpoint_unreadable": "a checkpoint line cannot be read (the checkpoint file was edited)",
}


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` checks the HMAC-SM3 hash chain end to end against the "
        "signed checkpoints, then writes a new checkpoint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = verify_chain()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"))
            return
        broken = result.first_break
        assert broken is not None
        where = f" [{broken.detail}]" if broken.detail else ""
        if broken.reason.startswith("checkpoint_"):
            raise CommandError(f"audit checkpoints not trusted: {REASONS[broken.reason]}{where}")
        raise CommandError(
            f"audit chain broken at event #{broken.seq}: {REASONS[broken.reason]}{where} "
            f"({result.checked} events verified before it)"
        )
