"""Submitting an item the way a module does."""

from __future__ import annotations

from typing import Any

from yaoan.core.models import User
from yaoan.intake import services
from yaoan.intake.models import IntakeItem
from yaoan.registry.models import Entity


def hand_on(actor: User, entity: Entity, source_id: int = 1, **kwargs: Any) -> IntakeItem:
    values: dict[str, Any] = {
        "kind": "clue",
        "source_app": "sampling",
        "source_kind": "sample",
        "source_id": source_id,
        "source_label": f"抽样单 CY-{source_id}",
        "source_url": f"/sampling/{source_id}/",
        "entity": entity,
        "summary": "抽检不合格：含量测定不符合规定",
        "urgency": "urgent",
    }
    return services.submit_intake(actor=actor, **(values | kwargs))
