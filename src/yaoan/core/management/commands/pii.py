"""``yaoan pii status|rotate|reencrypt|prune``: the personal-data key ring (S12).

* ``status``: where the ring is, its current key, how many stored values each key sealed;
* ``rotate``: a new current key, every value re-sealed with it (one transaction, audited);
* ``reencrypt``: re-seal with the current key (after changing the ring in a secret store);
* ``prune``: drop the old keys no stored value uses any more (audited).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yaoan.core.actors import system_actor
from yaoan.core.pii import services
from yaoan.core.pii.keyring import KeyRingError, current_ring, forget_ring

PII_ACTOR = "pii-command"  # the system actor (core.actors) the audit log names


class Command(BaseCommand):
    help = "Personal-data key ring: status, rotate, reencrypt, prune."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "rotate", "reencrypt", "prune"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")()
        except KeyRingError as exc:
            raise CommandError(str(exc)) from exc

    def _status(self) -> None:
        forget_ring()
        ring = current_ring()
        usage = services.key_usage()
        self.stdout.write(f"key ring: {ring.where}")
        self.stdout.write(f"current key: {ring.current}")
        for key_id in sorted(ring.keys):
            self.stdout.write(f"  {key_id}: {usage.get(key_id, 0)} values")
        unknown = sorted(k for k in usage if k and k not in ring.keys)
        if usage.get(""):
            self.stdout.write(self.style.WARNING(f"  not sealed: {usage['']} values"))
        if unknown:
            raise CommandError(f"values sealed with keys missing from the ring: {unknown}")

    def _rotate(self) -> None:
        key_id, rows = services.rotate_keys(actor=system_actor(PII_ACTOR))
        self.stdout.write(self.style.SUCCESS(f"new current key {key_id}; {rows} rows re-sealed"))

    def _reencrypt(self) -> None:
        rows = services.reencrypt(actor=system_actor(PII_ACTOR))
        self.stdout.write(self.style.SUCCESS(f"{rows} rows re-sealed with the current key"))

    def _prune(self) -> None:
        dropped = services.prune_keys(actor=system_actor(PII_ACTOR))
        self.stdout.write(
            self.style.SUCCESS(f"dropped {', '.join(dropped)}" if dropped else "nothing to drop")
        )
