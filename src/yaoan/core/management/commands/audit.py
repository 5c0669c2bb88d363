"""``yaoan audit verify``: walk the hash chain and report the first broken link (S15)."""

from __future__ import annotations

from typing import Any

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
}


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the SM3 hash chain end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} events"))
            return
        broken = result.first_break
        assert broken is not None
        raise CommandError(
            f"audit chain broken at event #{broken.seq}: {REASONS[broken.reason]} "
            f"({result.checked} events verified before it)"
        )
