"""Complaints received the way staff entry and the imports do it, for the page tests."""

from __future__ import annotations

import itertools
from typing import Any

from django.utils import timezone

from yaoan.complaints import services
from yaoan.complaints.enums import Channel, ComplaintKind
from yaoan.complaints.models import Complaint
from yaoan.core.models import User
from yaoan.registry.models import Entity

_serial = itertools.count(1)


def receive(actor: User, entity: Entity | None, **overrides: Any) -> Complaint:
    n = next(_serial)
    values: dict[str, Any] = {
        "kind": ComplaintKind.REPORT,
        "channel": Channel.PHONE,
        "product_class": "drug",
        "content": f"反映该店销售过期药品（第{n}件）",
        "subject_name": entity.name if entity else "某无名诊所",
        "subject_address": "",
        "entity": entity,
        "anonymous": False,
        "reporter_name": "王小明",
        "reporter_phone": f"1390000{n:04d}",
        "reporter_id_number": "",
        "reporter_address": "",
        "received_at": timezone.now(),
    }
    values.update(overrides)
    return services.receive_complaint(actor=actor, data=services.ComplaintInput(**values))
