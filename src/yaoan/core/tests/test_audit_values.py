"""Audit before/after values are capped: an oversized string is stored as its start and a
marker with its length, and the capped row still verifies."""

from __future__ import annotations

import pytest

from yaoan.common.testing import UserFactory
from yaoan.core import audit
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_long_values_are_cut_with_a_marker_and_the_chain_still_verifies() -> None:
    user = UserFactory()
    huge = "药" * 1_000_000
    event = audit.record(
        "test.thing.changed",
        actor=user,
        before={"name": "短名称", "notes": [huge]},
        after={"name": huge, "count": 3},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    marker = "…[已截断，共 1000000 字符]"
    assert stored.after == {"name": "药" * audit.AUDIT_VALUE_MAX_CHARS + marker, "count": 3}
    assert stored.before == {
        "name": "短名称",
        "notes": ["药" * audit.AUDIT_VALUE_MAX_CHARS + marker],
    }
    assert audit.verify_chain().ok


def test_value_at_the_cap_is_kept_whole() -> None:
    exact = "x" * audit.AUDIT_VALUE_MAX_CHARS
    event = audit.record("test.thing.changed", actor=UserFactory(), after={"v": exact})
    assert AuditEvent.objects.get(pk=event.pk).after == {"v": exact}
