"""Which app reports each kind of entity event. A key-list rule fed by these events shows
"未接入" until its producer is installed; the interface (services.report_entity_event) is
the one function that producer will call."""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps

from yaoan.intake.enums import EntityEventKind

PRODUCER_APPS: Mapping[str, str] = {
    EntityEventKind.FAILED_SAMPLE: "yaoan.sampling",
    EntityEventKind.COMPLAINT: "yaoan.complaints",
    EntityEventKind.PENALTY: "yaoan.cases",
}


def producer_installed(kind: EntityEventKind | str) -> bool:
    app = PRODUCER_APPS.get(kind)
    return app is not None and apps.is_installed(app)
