"""Building blocks of the complaints tests: a submission as a staff member or the portal
enters it (through the real service)."""

from __future__ import annotations

from typing import Any

from yaoan.complaints.enums import Channel, ComplaintKind
from yaoan.complaints.models import Complaint
from yaoan.complaints.services import ComplaintInput, receive_complaint
from yaoan.core.models import User
from yaoan.registry.enums import ProductClass

PHONE = "13912345678"


def complaint_input(**overrides: Any) -> ComplaintInput:
    values: dict[str, Any] = {
        "kind": ComplaintKind.COMPLAINT,
        "channel": Channel.PHONE,
        "product_class": ProductClass.DRUG,
        "content": "在该药店购买的感冒药已过有效期，要求退款。",
        "subject_name": "仁济大药房",
        "reporter_name": "张三丰",
        "reporter_phone": PHONE,
        "reporter_id_number": "110101199003071234",
        "reporter_address": "江城街道幸福路8号",
    }
    values.update(overrides)
    return ComplaintInput(**values)


def receive(actor: User, **overrides: Any) -> Complaint:
    return receive_complaint(actor=actor, data=complaint_input(**overrides))


def report(actor: User, **overrides: Any) -> Complaint:
    values: dict[str, Any] = {
        "kind": ComplaintKind.REPORT,
        "content": "该药店销售无批准文号的药品。",
    }
    values.update(overrides)
    return receive(actor, **values)
