"""The modules that take intake items over, by kind: a higher module (clues for ``clue``)
registers its accept page in its ``ready()``, and the item's page shows it as a button.
Data only, so intake never imports the modules above it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Receiver:
    kind: str  # IntakeKind value
    label: str | Promise  # the button, e.g. 接收为线索
    url_name: str  # a page taking the item's pk, e.g. "clues:accept_intake"


_RECEIVERS: dict[tuple[str, str], Receiver] = {}


def register_receiver(receiver: Receiver) -> None:
    _RECEIVERS[(receiver.kind, receiver.url_name)] = receiver


def receivers_for(kind: str) -> list[Receiver]:
    return [r for r in _RECEIVERS.values() if r.kind == kind]
