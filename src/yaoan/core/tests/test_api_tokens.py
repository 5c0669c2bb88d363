"""API tokens (S7): a scope (a read token cannot write), a configurable life, and no token
outlives its user's sessions."""

import datetime as dt

import pytest
from django.utils import timezone

from yaoan.common.testing import OrgUnitFactory, UserFactory, sign_in
from yaoan.core import services
from yaoan.core.enums import ApiTokenScope, Role
from yaoan.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db

ENTITIES = "/api/registry/entities"


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def sysadmin(db):
    return UserFactory(org_unit=OrgUnitFactory(code="it"), roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def secadmin(db):
    return UserFactory(org_unit=OrgUnitFactory(code="sec"), roles=[Role.SECURITY_ADMIN])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", ENTITIES),
        ("patch", f"{ENTITIES}/1"),
        ("put", "/api/inspections/1/draft"),
    ],
)
def test_a_read_token_reads_but_every_write_is_403_with_a_code(client, inspector, method, path):
    token, key = services.issue_api_token(user=inspector, name="报表", scope=ApiTokenScope.READ)
    assert client.get(ENTITIES, headers=bearer(key)).status_code == 200
    response = getattr(client, method)(
        path, data="{}", content_type="application/json", headers=bearer(key)
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": [
            {
                "field": None,
                "message": "该 API 令牌为只读令牌，不能用于修改数据。",
                "code": "token_read_only",
            }
        ]
    }
    refused = AuditEvent.objects.get(action="core.api_token.scope_refused")
    assert (refused.actor_id, refused.object_id, refused.success, refused.reason) == (
        inspector.pk,
        str(token.pk),
        False,
        method.upper(),
    )


def test_a_write_token_may_write(client, inspector):
    _token, key = services.issue_api_token(user=inspector, name="同步", scope="write")
    response = client.post(
        ENTITIES, data="{}", content_type="application/json", headers=bearer(key)
    )
    assert response.status_code == 422  # past authentication, into validation


def test_token_life_is_configurable(settings, inspector):
    settings.API_TOKEN_DAYS = 7
    token, _key = services.issue_api_token(user=inspector, name="短期")
    assert token.expires_at - token.created_at == dt.timedelta(days=7)
    event = AuditEvent.objects.get(action="core.api_token.issued")
    assert event.after["scope"] == "write"


def revoke_by_force_logout(user, admin, _secadmin):
    services.force_logout(actor=admin, user=user, reason="离职交接")


def revoke_by_deactivation(user, admin, _secadmin):
    services.set_active(actor=admin, user=user, active=False, reason="离职")


def revoke_by_password_change(user, _admin, _secadmin):
    services.change_password(user=user, new_password="Xk9#mQ2$vL7!pR4z")


def revoke_by_role_change(user, _admin, secadmin):
    services.set_roles(actor=secadmin, user=user, roles=[Role.SECTION_CHIEF], reason="调岗")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (revoke_by_force_logout, "forced_logout"),
        (revoke_by_deactivation, "deactivated"),
        (revoke_by_password_change, "password_changed"),
        (revoke_by_role_change, "roles_changed"),
    ],
)
def test_tokens_die_with_the_users_sessions(client, inspector, sysadmin, secadmin, change, reason):
    _read, read_key = services.issue_api_token(user=inspector, name="a", scope="read")
    _write, write_key = services.issue_api_token(user=inspector, name="b", scope="write")
    change(inspector, sysadmin, secadmin)
    for key in (read_key, write_key):
        assert client.get(ENTITIES, headers=bearer(key)).status_code == 401
    assert set(ApiToken.objects.values_list("revoked_reason", flat=True)) == {reason}
    assert AuditEvent.objects.filter(action="core.api_token.revoked", reason=reason).count() == 2


def test_token_page_shows_scope_and_expiry_and_offers_read_first(client, inspector, settings):
    settings.API_TOKEN_DAYS = 30
    sign_in(client, inspector)
    page = client.get("/me/tokens/")
    assert page.context["form"].fields["scope"].initial == ApiTokenScope.READ
    response = client.post("/me/tokens/", {"name": "报表工具", "scope": "read"})
    html = response.content.decode()
    token = ApiToken.objects.get(name="报表工具")
    assert token.scope == "read"
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert '<td data-testid="token-scope">只读</td>' in html
    expiry = timezone.localtime(token.expires_at).strftime("%Y-%m-%d")
    assert f'<td data-testid="token-expires">{expiry}</td>' in html
    assert "新令牌有效期 30 天" in html


@pytest.mark.parametrize(("method", "refused"), [("GET", False), ("HEAD", False), ("DELETE", True)])
def test_scope_check_by_method(inspector, method, refused):
    from yaoan.core.api_auth import TokenScopeError, check_scope

    token, _key = services.issue_api_token(user=inspector, name="报表", scope="read")
    if refused:
        with pytest.raises(TokenScopeError):
            check_scope(token, method)
    else:
        check_scope(token, method)
