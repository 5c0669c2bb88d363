"""Named system actors (core.actors): a real user row per job or command, holding only its
declared roles, judged by the same rules as a person, and never able to sign in."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yaoan.common.testing import OrgUnitFactory, UserFactory, sign_in
from yaoan.core import account_services, actors, audit, rules, services
from yaoan.core.actors import SYSTEM_ACTORS, is_system_actor, label_of, system_actor
from yaoan.core.backends import UserBackend
from yaoan.core.enums import ADMIN_ROLES, OrgUnitKind, Role
from yaoan.core.models import ApiToken, AuditEvent, RoleAssignment, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(db):
    return OrgUnitFactory(code="bureau", name="区市场监管局", kind=OrgUnitKind.BUREAU)


def test_first_use_creates_one_inactive_row_with_the_declared_roles(bureau):
    actor = system_actor("plan-command")
    again = system_actor("plan-command")
    assert again.pk == actor.pk
    assert User.objects.filter(username="system:plan-command").count() == 1
    assert actor.display_name == "年度清单生成命令"
    assert actor.is_active is False
    assert actor.has_usable_password() is False
    assert actor.org_unit == bureau
    assert actor.role_set == {Role.SECTION_CHIEF}
    assert actor.account_kind == "business"
    assert is_system_actor(actor) is True
    assert is_system_actor(UserFactory()) is False
    created = AuditEvent.objects.get(action="core.system_actor.created")
    assert (created.actor_id, created.actor_username) == (actor.pk, "system:plan-command")
    assert created.after == {"name": "plan-command", "roles": ["section_chief"]}


def test_a_creation_that_loses_the_race_reads_the_winners_row(db):
    winner = system_actor("jobs")
    # a second process that looked before the first one committed tries to create it too
    loser = actors._create(SYSTEM_ACTORS["jobs"], None)
    assert loser.pk == winner.pk
    assert User.objects.filter(username="system:jobs").count() == 1
    assert AuditEvent.objects.filter(action="core.system_actor.created").count() == 1


def test_an_unknown_name_is_refused():
    with pytest.raises(KeyError):
        system_actor("nobody")
    assert not User.objects.filter(username__startswith="system:").exists()


def test_roles_and_unit_follow_the_table_on_every_use(db):
    actor = system_actor("trace-command")
    assert actor.org_unit is None  # no district yet: its rules see nothing
    assert not rules.can_read_registry(actor)
    RoleAssignment.objects.create(user=actor, role=Role.SECTION_CHIEF)  # edited behind our back
    bureau = OrgUnitFactory(code="bureau", kind=OrgUnitKind.BUREAU)
    actor = system_actor("trace-command")
    assert actor.role_set == {Role.MONITORING}
    assert actor.org_unit == bureau
    assert rules.can_read_registry(actor)
    synced = AuditEvent.objects.get(action="core.system_actor.roles_set")
    assert (synced.before, synced.after) == (
        {"roles": ["monitoring", "section_chief"]},
        {"roles": ["monitoring"]},
    )
    assert AuditEvent.objects.filter(action="core.system_actor.unit_set").count() == 1


def test_the_table_keeps_the_separation_of_administrators():
    for spec in SYSTEM_ACTORS.values():
        services.check_role_separation(spec.roles)
        assert len(spec.roles & ADMIN_ROLES) <= 1


def test_permission_rules_judge_a_system_actor_by_its_roles(bureau):
    demo = system_actor("demo")
    assert rules.can_edit_registry(demo)
    trace = system_actor("trace-command")
    assert rules.can_read_registry(trace)
    assert not rules.can_edit_registry(trace)
    assert not rules.can_set_ratings(trace)
    for name in ("jobs", "deadline-sweep", "backup", "pii-command"):
        actor = system_actor(name)
        assert actor.role_set == frozenset()
        assert not rules.can_read_registry(actor)
        assert not rules.can_read_audit(actor)
        assert not rules.can_manage_accounts(actor)


def test_a_system_actor_without_the_role_is_refused_by_the_service(bureau):
    jobs = system_actor("jobs")
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=jobs,
            username="someone",
            display_name="某人",
            org_unit=bureau,
            roles=[Role.INSPECTOR],
            password="Tian-Qing-47-Lu",
        )
    assert not User.objects.filter(username="someone").exists()


# --- it can never sign in ------------------------------------------------------------------


def _with_a_known_password(actor):
    """The worst case: someone set a password on the row and switched it on in the database."""
    actor.set_password("Known-Pass-2026!")
    actor.is_active = True
    actor.save(update_fields=["password", "is_active"])
    return actor


def test_the_password_form_refuses_a_system_actor(client, bureau):
    actor = _with_a_known_password(system_actor("plan-command"))
    assert authenticate(username=actor.username, password="Known-Pass-2026!") is None
    response = client.post(
        "/accounts/login/", {"username": actor.username, "password": "Known-Pass-2026!"}
    )
    assert response.status_code == 200
    assert "用户名或密码错误，或账号已被锁定。" in response.content.decode()
    assert "pending_user_id" not in client.session
    assert UserBackend().get_user(actor.pk) is None


def test_the_totp_step_refuses_a_system_actor(client, bureau):
    actor = _with_a_known_password(system_actor("plan-command"))
    session = client.session
    session["pending_user_id"] = actor.pk  # as if the password step had been passed
    session.save()
    for page in ("/accounts/otp/", "/accounts/otp/enrol/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/"


def test_a_system_actor_gets_no_api_token_and_a_planted_one_is_refused(client, bureau):
    actor = system_actor("demo")
    with pytest.raises(PermissionDenied):
        services.issue_api_token(user=actor, name="后门")
    assert not ApiToken.objects.filter(user=actor).exists()
    key = "ya_planted-token-key-planted-token-key-000"
    now = timezone.now()
    ApiToken.objects.create(
        user=_with_a_known_password(actor),
        name="planted",
        scope="write",
        prefix=key[3:9],
        key_digest=audit.sm3_hex(key.encode()),
        created_at=now,
        expires_at=now + timezone.timedelta(days=1),
    )
    response = client.get("/api/registry/entities", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401
    rejected = AuditEvent.objects.get(action="core.api_token.rejected")
    assert rejected.reason == "inactive_user"


# --- it is not one of the people -------------------------------------------------------------


@pytest.fixture
def sysadmin(db):
    return UserFactory(org_unit=OrgUnitFactory(code="it"), roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def secadmin(db):
    return UserFactory(org_unit=OrgUnitFactory(code="sec"), roles=[Role.SECURITY_ADMIN])


def test_account_pages_neither_list_nor_open_a_system_actor(client, sysadmin, bureau):
    actor = system_actor("plan-command")
    sign_in(client, sysadmin)
    listing = client.get("/admin-users/").content.decode()
    assert sysadmin.username in listing
    assert "system:plan-command" not in listing
    assert client.get(f"/admin-users/{actor.pk}/").status_code == 404
    assert actor not in User.objects.people()
    assert sysadmin in User.objects.people()


def test_administrators_cannot_change_a_system_actor(sysadmin, secadmin, bureau):
    actor = system_actor("plan-command")
    with pytest.raises(PermissionDenied):
        services.set_roles(actor=secadmin, user=actor, roles=[Role.LEADER], reason="试")
    with pytest.raises(PermissionDenied):
        services.set_active(actor=sysadmin, user=actor, active=True, reason="试")
    with pytest.raises(PermissionDenied):
        account_services.reset_password(
            actor=sysadmin, user=actor, new_password="Tian-Qing-47-Lu", reason="试"
        )
    actor.refresh_from_db()
    assert (actor.is_active, actor.role_set) == (False, {Role.SECTION_CHIEF})


def test_a_system_actor_is_not_counted_as_the_other_security_administrator(sysadmin, secadmin):
    # even switched on in the database, the actor holding the role is not a person to count
    _with_a_known_password(system_actor("demo-roles"))
    with pytest.raises(ValidationError) as info:
        services.set_active(actor=sysadmin, user=secadmin, active=False, reason="离职")
    assert info.value.code == "last_admin"
    secadmin.refresh_from_db()
    assert secadmin.is_active is True


def test_a_person_cannot_take_a_system_username(secadmin):
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=secadmin,
            username="system:jobs",
            display_name="冒名",
            org_unit=None,
            roles=[],
            password="Tian-Qing-47-Lu",
        )
    assert info.value.message_dict == {"username": ["用户名不能以 system: 开头（系统执行者专用）"]}


# --- the audit log names it ------------------------------------------------------------------


def test_the_audit_log_names_a_system_actor_by_its_label(client, db):
    auditor = UserFactory(org_unit=OrgUnitFactory(code="audit"), roles=[Role.AUDIT_ADMIN])
    system_actor("backup")
    audit.record("core.test.legacy", actor_username="system:jobs")  # a row from before rows
    sign_in(client, auditor)
    page = client.get("/audit/").content.decode()
    assert "备份与恢复" in page
    assert "后台任务看护" in page
    assert label_of("system:backup") == "备份与恢复"
    assert label_of("qj.chief") == ""
