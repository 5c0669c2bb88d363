"""core.access with an app's Gate: the user who passes is returned; one who does not is
refused with the gate's message and the refusal is audited under the gate's action; the
API's token user is the one checked."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from yaoan.common.testing import StationFactory, UserFactory
from yaoan.core.access import allowed_user
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent
from yaoan.core.rules import EDIT_REGISTRY, READ_REGISTRY, Gate, can_read_registry

pytestmark = pytest.mark.django_db


def _request(user, path="/registry/entities/", token_user=None):
    request = RequestFactory().get(path)
    request.user = user
    if token_user is not None:
        request.auth = token_user
    return request


def test_a_user_who_passes_the_gate_is_returned():
    inspector = UserFactory(roles=[Role.INSPECTOR], org_unit=StationFactory())
    assert allowed_user(_request(inspector), READ_REGISTRY) == inspector
    assert not AuditEvent.objects.filter(success=False).exists()


def test_a_refusal_carries_the_gates_message_and_is_audited_under_its_action():
    monitor = UserFactory(roles=[Role.MONITORING], org_unit=StationFactory())
    with pytest.raises(PermissionDenied) as refused:
        allowed_user(_request(monitor, "/api/registry/entities"), EDIT_REGISTRY)
    assert str(refused.value) == "您无权修改监管对象信息。"
    [event] = AuditEvent.objects.filter(success=False)
    assert (event.action, event.actor_id, event.object_id) == (
        "registry.access.denied",
        monitor.pk,
        "/api/registry/entities",
    )


def test_the_token_user_is_checked_not_the_session_user():
    reader = UserFactory(roles=[Role.INSPECTOR], org_unit=StationFactory())
    outsider = UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=None)
    with pytest.raises(PermissionDenied):
        allowed_user(_request(reader, token_user=outsider), READ_REGISTRY)
    assert allowed_user(_request(outsider, token_user=reader), READ_REGISTRY) == reader


def test_a_bare_rule_with_action_and_message_still_serves_a_one_off_check():
    gate = Gate(can_read_registry, "x.access.denied", "不行")
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN], org_unit=None)
    for check in ((gate,), (can_read_registry, "x.access.denied", "不行")):
        with pytest.raises(PermissionDenied, match="不行"):
            allowed_user(_request(admin), *check)
    assert AuditEvent.objects.filter(action="x.access.denied").count() == 2
