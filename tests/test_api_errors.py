"""yaoan.api answers a coded service error with the HTTP status of the code's kind
(yaoan.common.errors): a conflict 409, too large 413, anything else 422 — by the code's
class, not by its spelling."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from yaoan.api import service_invalid
from yaoan.common.errors import APPROVER_IS_SUBMITTER, GUARD_FAILED, ILLEGAL_TRANSITION, invalid
from yaoan.core.enums import AttachmentError, AttachmentLimit
from yaoan.plans.enums import PlanError, PlanLock


@pytest.mark.parametrize(
    ("code", "field", "status"),
    [
        (ILLEGAL_TRANSITION, None, 409),
        (APPROVER_IS_SUBMITTER, None, 409),
        (GUARD_FAILED, None, 409),
        (PlanLock.SUBMITTED_LOCKED, None, 409),
        (AttachmentLimit.TOO_LARGE, "file", 413),
        (AttachmentError.WRONG_TYPE, "file", 422),
        (PlanError.DUPLICATE_ENTITY, "entity", 422),
        # a code spelled like a conflict but not of that kind is invalid input
        ("illegal_transition", None, 422),
    ],
)
def test_status_follows_the_kind_of_code(code, field, status):
    response = service_invalid(RequestFactory().post("/api/x/"), invalid(code, "说明", field))
    assert response.status_code == status
    assert json.loads(response.content)["detail"] == [
        {"field": field, "message": "说明", "code": str(code)}
    ]


def test_conflict_wins_over_invalid_input_in_one_error():
    error = ValidationError(
        [invalid("required", "请填写"), invalid(ILLEGAL_TRANSITION, "不能执行")]
    )
    response = service_invalid(RequestFactory().post("/api/x/"), error)
    assert response.status_code == 409
    assert [d["code"] for d in json.loads(response.content)["detail"]] == [
        "required",
        "illegal_transition",
    ]
