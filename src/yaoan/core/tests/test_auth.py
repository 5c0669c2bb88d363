"""Sign-in and account security: S1–S8, S14, S18, S27 and the security headers."""

import datetime as dt
import logging
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf and API schemas built before any clock is frozen)
from yaoan.common.testing import (
    TEST_PASSWORD,
    OrgUnitFactory,
    StationFactory,
    UserFactory,
    sign_in,
    totp_code,
)
from yaoan.core import services
from yaoan.core.actors import system_actor
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import AuditEvent, PasswordHistory, User, UserSession

pytestmark = pytest.mark.django_db

LOGIN_FAILED = "用户名或密码错误，或账号已被锁定。"
API_URL = "/api/registry/entities"
T0 = "2026-11-23 09:00:00+08:00"


def post_password(client, username, password=TEST_PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def sign_in_at(client, user, at):
    """Both factors, with the code of the time step ``at`` (a second login needs a new step)."""
    assert post_password(client, user.username).status_code == 302
    response = client.post("/accounts/otp/", {"token": totp_code(user, at=at)})
    assert response.status_code == 302, response.content[:300]


def is_signed_in(client):
    response = client.get("/home/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    return False


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- S1 unique accounts; seeded admin must change the password -------------------------


def test_usernames_are_unique_in_the_database():
    UserFactory(username="wangwu")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="wangwu", display_name="另一个王五")


def test_create_user_refuses_a_username_differing_only_in_case():
    UserFactory(username="wangwu")
    with pytest.raises(ValidationError) as info:
        services.create_user(
            actor=system_actor("demo-roles"),
            username="WangWu",
            display_name="王五",
            org_unit=None,
            roles=[Role.INSPECTOR],
            password="Tian-Qing-47-Lu",
        )
    assert info.value.messages == ["用户名已存在"]
    assert User.objects.people().count() == 1


def test_seeded_admin_enrols_totp_then_must_change_password(client):
    services.create_user(
        actor=system_actor("demo-roles"),
        username="sysadmin",
        display_name="系统管理员",
        org_unit=OrgUnitFactory(code="it"),
        roles=[Role.SYSTEM_ADMIN],
        password="Initial-Pass-2026!",
    )
    response = post_password(client, "sysadmin", "Initial-Pass-2026!")
    assert response["Location"] == "/accounts/otp/enrol/"
    client.get("/accounts/otp/enrol/")
    device = TOTPDevice.objects.get(user__username="sysadmin", confirmed=False)
    code = TOTP(device.bin_key).token()
    response = client.post("/accounts/otp/enrol/", {"token": f"{code:06d}"})
    assert response.status_code == 302
    response = client.get("/home/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/")
    assert client.get("/admin-users/")["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "Initial-Pass-2026!",
            "new_password": "Qing-Shan-88-Lu",
            "new_password2": "Qing-Shan-88-Lu",
        },
    )
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200
    assert client.get("/admin-users/").status_code == 200
    assert User.objects.get(username="sysadmin").must_change_password is False


# --- S2 password policy ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        ("Ab1!xyz", ["密码至少需要 12 个字符。"]),
        ("abcdefghjkmn2", ["密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"]),
        ("ALLCAPSANDWORDS", ["密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"]),
        ("Password@123", ["该密码过于常见或已泄露，请换一个。"]),
        ("Password@2026!", ["该密码过于常见或已泄露，请换一个。"]),
        ("PASSWORD@123", ["该密码过于常见或已泄露，请换一个。"]),
        ("P@ssw0rd2026", ["该密码过于常见或已泄露，请换一个。"]),
        ("Qwerty123456!", ["该密码过于常见或已泄露，请换一个。"]),
        ("Admin@12345678", ["该密码过于常见或已泄露，请换一个。"]),
        ("Pa$$word2026!", ["该密码过于常见或已泄露，请换一个。"]),
        ("Adm1n@2026#!", ["该密码过于常见或已泄露，请换一个。"]),
        ("Woaini1314520", ["该密码过于常见或已泄露，请换一个。"]),
        ("Tian-Qing-47-Lu", []),
        ("qing shan 88 lu", []),
    ],
)
def test_password_policy(password, messages):
    user = UserFactory(username="policyuser", display_name="测试")
    if messages:
        with pytest.raises(ValidationError) as info:
            validate_password(password, user)
        assert info.value.messages == messages
    else:
        validate_password(password, user)


def test_password_too_similar_to_the_username():
    user = UserFactory(username="zhangweiming", display_name="张伟明")
    with pytest.raises(ValidationError):
        validate_password("Zhangweiming-1", user)


def test_last_five_passwords_cannot_be_reused():
    user = services.create_user(
        actor=system_actor("demo-roles"),
        username="reuser",
        display_name="测试",
        org_unit=None,
        roles=[Role.INSPECTOR],
        password="First-Pass-0001",
    )
    for i in range(2, 6):
        services.change_password(user=user, new_password=f"Next-Pass-000{i}")
    assert PasswordHistory.objects.filter(user=user).count() == 5
    with pytest.raises(ValidationError) as info:
        services.change_password(user=user, new_password="First-Pass-0001")
    assert info.value.messages == ["不能与最近 5 次使用过的密码相同。"]
    services.change_password(user=user, new_password="Next-Pass-0006")
    assert PasswordHistory.objects.filter(user=user).count() == 5
    services.change_password(user=user, new_password="First-Pass-0001")  # six ago: allowed
    user.refresh_from_db()
    assert user.check_password("First-Pass-0001")


def test_password_change_page_shows_policy_errors(client, inspector):
    sign_in(client, inspector)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password": TEST_PASSWORD,
            "new_password2": TEST_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "不能与最近 5 次使用过的密码相同。" in response.content.decode()


@pytest.mark.parametrize(
    ("max_age", "age_days", "forced"),
    [(90, 91, True), (90, 89, False), (30, 31, True), (0, 400, False)],
)
def test_password_expiry_forces_a_change(client, settings, max_age, age_days, forced):
    settings.PASSWORD_MAX_AGE_DAYS = max_age
    user = UserFactory(password_changed_at=timezone.now() - dt.timedelta(days=age_days))
    sign_in(client, user)
    response = client.get("/home/")
    if forced:
        assert (response.status_code, response["Location"]) == (302, "/accounts/password/")
    else:
        assert response.status_code == 200


# --- S3 storage and logging of passwords -------------------------------------------------


def test_password_is_stored_as_argon2_and_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    user = UserFactory(username="hashcheck")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert TEST_PASSWORD not in user.password
    post_password(client, "hashcheck", "Wrong-Guess-Pass-9")
    sign_in(client, user)
    services.change_password(user=user, new_password="Brand-New-Pass-77")
    audit_text = str(list(AuditEvent.objects.values()))
    for secret in (TEST_PASSWORD, "Wrong-Guess-Pass-9", "Brand-New-Pass-77"):
        assert secret not in caplog.text
        assert secret not in audit_text
    assert "argon2" not in audit_text


# --- S4 second factor --------------------------------------------------------------------


def test_password_alone_gives_no_session(client, inspector):
    response = post_password(client, inspector.username)
    assert response["Location"] == "/accounts/otp/"
    response = client.get("/home/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/home/")
    assert client.get(API_URL).status_code == 401
    assert client.get("/home/", headers={"HX-Request": "true"}).status_code == 401
    assert events("core.auth.login") == []


def test_otp_without_password_step_goes_back_to_login(client, inspector):
    response = client.post("/accounts/otp/", {"token": totp_code(inspector)})
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)


def test_same_otp_code_twice_is_rejected(client, inspector):
    code = totp_code(inspector)
    post_password(client, inspector.username)
    assert client.post("/accounts/otp/", {"token": code}).status_code == 302
    client.post("/accounts/logout/")
    other = Client()
    post_password(other, inspector.username)
    response = other.post("/accounts/otp/", {"token": code})
    assert response.status_code == 200
    assert "验证码错误或已使用，请等待下一个验证码。" in response.content.decode()
    assert not is_signed_in(other)
    failed = events("core.auth.login_failed")
    assert [(e.reason, e.success) for e in failed] == [("otp", False)]


def test_wrong_otp_code_is_rejected(client, inspector):
    post_password(client, inspector.username)
    good = totp_code(inspector)
    bad = f"{(int(good) + 1) % 1000000:06d}"
    assert client.post("/accounts/otp/", {"token": bad}).status_code == 200
    assert not is_signed_in(client)


def test_enrolment_shows_qr_and_secret_and_a_valid_code_signs_in(client):
    user = UserFactory(totp=False)
    assert post_password(client, user.username)["Location"] == "/accounts/otp/enrol/"
    page = client.get("/accounts/otp/enrol/").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "<svg" in page
    secret = re.sub(r"=+$", "", __import__("base64").b32encode(device.bin_key).decode())
    assert secret in page
    # a wrong code does not confirm the device
    code = TOTP(device.bin_key).token()
    response = client.post("/accounts/otp/enrol/", {"token": f"{(code + 1) % 1000000:06d}"})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    # the page is the same device on reload (the secret does not change under the user)
    client.get("/accounts/otp/enrol/")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    with freeze_time(timezone.now() + dt.timedelta(seconds=2), tick=True):  # past the throttle
        response = client.post(
            "/accounts/otp/enrol/", {"token": f"{TOTP(device.bin_key).token():06d}"}
        )
        assert response.status_code == 302
        assert is_signed_in(client)
    assert TOTPDevice.objects.get(user=user).confirmed is True


def test_enrolment_page_needs_the_password_step(client):
    assert client.get("/accounts/otp/enrol/")["Location"] == "/accounts/login/"


# --- S5 lockout --------------------------------------------------------------------------


def normalised(response, username):
    html = response.content.decode()
    html = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", html)  # the CSRF token, wherever it appears
    return html.replace(username, "USERNAME")


def test_lockout_after_five_failures_and_release_after_fifteen_minutes(client):
    with freeze_time(T0) as clock:
        user = UserFactory(username="lockme")
        for _ in range(5):
            response = post_password(client, "lockme", "Wrong-Guess-Pass-1")
            assert LOGIN_FAILED in response.content.decode()
        locked = post_password(client, "lockme")
        assert locked.status_code == 200
        assert LOGIN_FAILED in locked.content.decode()
        unknown = post_password(client, "nosuchuser")
        assert normalised(locked, "lockme") == normalised(unknown, "nosuchuser")
        wrong = post_password(client, "lockme", "Wrong-Guess-Pass-1")
        assert normalised(wrong, "lockme") == normalised(unknown, "nosuchuser")
        assert "pending_user_id" not in client.session

        clock.tick(dt.timedelta(minutes=14, seconds=59))
        assert post_password(client, "lockme").status_code == 200
        clock.tick(dt.timedelta(seconds=1))
        response = post_password(client, "lockme")
        assert (response.status_code, response["Location"]) == (302, "/accounts/otp/")
        response = client.post("/accounts/otp/", {"token": totp_code(user)})
        assert response.status_code == 302
        user.refresh_from_db()
        assert (user.failed_login_count, user.locked_until) == (0, None)
    assert len(events("core.auth.login_failed")) == 6  # five, then the unknown user
    assert [e.success for e in events("core.auth.login_refused_locked")] == [False] * 3


def test_admin_unlock_releases_a_locked_account(client):
    user = UserFactory(username="lockme")
    for _ in range(5):
        post_password(client, "lockme", "Wrong-Guess-Pass-1")
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    admin_client = Client()
    sign_in(admin_client, admin)
    response = admin_client.post(
        f"/admin-users/{user.pk}/", {"action": "unlock", "reason": "本人电话确认"}
    )
    assert response.status_code == 302
    assert post_password(client, "lockme")["Location"] == "/accounts/otp/"
    assert events("core.user.unlocked")[0].reason == "本人电话确认"


# --- S6 session lifetime and logout ------------------------------------------------------


def test_idle_timeout_ends_the_session(client, inspector):
    with freeze_time(T0, tick=True) as clock:
        sign_in(client, inspector)
        for _ in range(3):  # activity keeps it alive well past 15 minutes in total
            clock.tick(dt.timedelta(minutes=14))
            assert is_signed_in(client)
        clock.tick(dt.timedelta(minutes=15, seconds=61))
        assert not is_signed_in(client)
    row = UserSession.objects.get(user=inspector)
    assert (row.end_reason, row.ended_at is not None) == ("idle_timeout", True)


def test_absolute_lifetime_ends_an_active_session(client, inspector, settings):
    settings.SESSION_MAX_HOURS = 2
    with freeze_time(T0, tick=True) as clock:
        sign_in(client, inspector)
        for _ in range(8):
            clock.tick(dt.timedelta(minutes=14))
            assert is_signed_in(client)
        clock.tick(dt.timedelta(minutes=9))  # 2 h 1 min after sign-in
        assert not is_signed_in(client)
    assert UserSession.objects.get(user=inspector).end_reason == "absolute_timeout"


def test_default_absolute_lifetime_is_eight_hours(client, inspector):
    with freeze_time(T0, tick=True) as clock:
        sign_in(client, inspector)
        for _ in range(34):  # 7 h 56 min of steady work
            clock.tick(dt.timedelta(minutes=14))
            assert is_signed_in(client)
        clock.tick(dt.timedelta(minutes=5))
        assert not is_signed_in(client)


def test_logout_ends_the_server_session_and_clears_site_data(client, inspector):
    sign_in(client, inspector)
    old_cookie = client.cookies["sessionid"].value
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not Session.objects.filter(session_key=old_cookie).exists()
    assert UserSession.objects.get(user=inspector).end_reason == "logout"
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert not is_signed_in(replay)
    assert replay.get(API_URL).status_code == 401


def test_logout_needs_post(client, inspector):
    sign_in(client, inspector)
    assert client.get("/accounts/logout/").status_code == 405
    assert is_signed_in(client)


# --- S7 own sessions and forced logout ---------------------------------------------------


def two_sessions(user):
    first, second = Client(), Client()
    now = timezone.now()
    sign_in_at(first, user, now)
    sign_in_at(second, user, now + dt.timedelta(seconds=30))
    return first, second


def test_user_ends_another_of_their_sessions(inspector):
    first, second = two_sessions(inspector)
    rows = list(UserSession.objects.filter(user=inspector).order_by("created_at", "id"))
    assert len(rows) == 2
    page = first.get("/me/sessions/")
    assert [s.pk for s in page.context["sessions"]] == sorted([r.pk for r in rows], reverse=True)
    second_row = UserSession.objects.get(session_key=second.cookies["sessionid"].value)
    response = first.post(f"/me/sessions/{second_row.pk}/end/")
    assert response.status_code == 302
    assert not is_signed_in(second)
    assert second.get(API_URL).status_code == 401
    assert is_signed_in(first)
    second_row.refresh_from_db()
    assert second_row.end_reason == "ended_by_user"


def test_user_cannot_end_someone_elses_session(client, inspector):
    other = UserFactory()
    other_client = Client()
    sign_in(other_client, other)
    sign_in(client, inspector)
    other_row = UserSession.objects.get(user=other)
    assert client.post(f"/me/sessions/{other_row.pk}/end/").status_code == 404
    assert is_signed_in(other_client)


def test_sessions_page_lists_only_live_sessions(inspector):
    with freeze_time(T0, tick=True) as clock:
        stale = Client()
        sign_in(stale, inspector)
        clock.tick(dt.timedelta(minutes=20))  # left idle: that session is over
        fresh = Client()
        sign_in(fresh, inspector)
        listed = list(fresh.get("/me/sessions/").context["sessions"])
    assert [s.session_key for s in listed] == [fresh.cookies["sessionid"].value]


def test_system_admin_forces_logout(inspector):
    first, second = two_sessions(inspector)
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    admin_client = Client()
    sign_in(admin_client, admin)
    response = admin_client.post(
        f"/admin-users/{inspector.pk}/", {"action": "force_logout", "reason": "账号疑似泄露"}
    )
    assert response.status_code == 302
    assert not is_signed_in(first)
    assert not is_signed_in(second)
    ended = events("core.session.ended")
    assert [(e.actor_id, e.object_id) for e in ended] == [(admin.pk, str(inspector.pk))] * 2
    assert set(UserSession.objects.filter(user=inspector).values_list("end_reason", flat=True)) == {
        "forced"
    }


def test_deactivating_a_user_ends_their_sessions(client, inspector):
    sign_in(client, inspector)
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    services.set_active(actor=admin, user=inspector, active=False, reason="调离")
    assert not is_signed_in(client)
    assert post_password(Client(), inspector.username).status_code == 200


# --- S8 三员 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "roles",
    [
        [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN],
        [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN],
        [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN],
        [Role.AUDIT_ADMIN, Role.INSPECTOR],
        [Role.SYSTEM_ADMIN, Role.LEADER],
    ],
)
def test_role_conflicts_are_refused(roles):
    with pytest.raises(services.RoleConflictError) as info:
        services.create_user(
            actor=system_actor("demo-roles"),
            username="conflict",
            display_name="测试",
            org_unit=None,
            roles=roles,
            password="Tian-Qing-47-Lu",
        )
    assert info.value.messages == ["三员角色互斥：同一人不能兼任两个管理员角色或兼任业务角色"]
    assert not User.objects.filter(username="conflict").exists()
    user = UserFactory(roles=[Role.INSPECTOR])
    with pytest.raises(services.RoleConflictError):
        services.set_roles(actor=user, user=user, roles=roles, reason="测试")
    assert user.role_assignments.get().role == Role.INSPECTOR
    assert events("core.user.roles_changed") == []


def test_business_roles_may_be_combined():
    user = UserFactory(roles=[Role.INSPECTOR])
    secadmin = UserFactory(roles=[Role.SECURITY_ADMIN])
    services.set_roles(
        actor=secadmin, user=user, roles=[Role.INSPECTOR, Role.CASE_OFFICER], reason="兼任"
    )
    assert set(user.role_assignments.values_list("role", flat=True)) == {
        Role.INSPECTOR,
        Role.CASE_OFFICER,
    }


@pytest.fixture
def people(db):
    station = StationFactory()
    it = OrgUnitFactory(code="it", name="信息中心")
    member = OrgUnitFactory(code="wjw", name="区卫健委", kind=OrgUnitKind.MEMBER_DEPARTMENT)
    return {
        "sysadmin": UserFactory(org_unit=it, roles=[Role.SYSTEM_ADMIN]),
        "secadmin": UserFactory(org_unit=it, roles=[Role.SECURITY_ADMIN]),
        "auditor": UserFactory(org_unit=it, roles=[Role.AUDIT_ADMIN]),
        "inspector": UserFactory(org_unit=station, roles=[Role.INSPECTOR]),
        "liaison": UserFactory(org_unit=member, roles=[Role.LIAISON]),
    }


MATRIX = {
    #                        sysadmin secadmin auditor inspector liaison
    "/audit/": (403, 403, 200, 403, 403),
    "/admin-users/": (200, 200, 403, 403, 403),
    "/admin-users/new/": (200, 403, 403, 403, 403),
    "/calendar/": (200, 403, 403, 403, 403),
    "/calendar/rules/case_decision/": (200, 403, 403, 403, 403),
    "/registry/entities/": (403, 403, 403, 200, 403),
    "/registry/products/": (403, 403, 403, 200, 403),
    "/home/": (200, 200, 200, 200, 200),
    "/me/sessions/": (200, 200, 200, 200, 200),
}
WHO = ("sysadmin", "secadmin", "auditor", "inspector", "liaison")


@pytest.mark.parametrize("who", WHO)
def test_role_endpoint_matrix(people, who):
    client = Client()
    sign_in(client, people[who])
    column = WHO.index(who)
    got = {url: client.get(url).status_code for url in MATRIX}
    assert got == {url: codes[column] for url, codes in MATRIX.items()}
    refused = [url for url, codes in MATRIX.items() if codes[column] == 403]
    denied = AuditEvent.objects.filter(success=False, actor=people[who]).order_by("seq")
    assert [e.object_id for e in denied] == refused


def test_user_detail_visible_to_both_account_admins(people):
    for who, status in (("sysadmin", 200), ("secadmin", 200), ("auditor", 403)):
        client = Client()
        sign_in(client, people[who])
        assert client.get(f"/admin-users/{people['inspector'].pk}/").status_code == status


def test_security_admin_changes_roles_only(people):
    client = Client()
    sign_in(client, people["secadmin"])
    target = people["inspector"]
    url = f"/admin-users/{target.pk}/"
    response = client.post(
        url, {"action": "roles", "roles": [Role.INSPECTOR, Role.CASE_OFFICER], "reason": "兼任"}
    )
    assert response.status_code == 302
    assert set(target.role_assignments.values_list("role", flat=True)) == {
        Role.INSPECTOR,
        Role.CASE_OFFICER,
    }
    change = events("core.user.roles_changed")[0]
    assert (change.before, change.after, change.reason) == (
        {"roles": ["inspector"]},
        {"roles": ["case_officer", "inspector"]},
        "兼任",
    )
    for action in ("unlock", "deactivate", "force_logout"):
        assert client.post(url, {"action": action, "reason": "试试"}).status_code == 403
    target.refresh_from_db()
    assert target.is_active
    conflict = client.post(
        url, {"action": "roles", "roles": [Role.SYSTEM_ADMIN, Role.INSPECTOR], "reason": "试试"}
    )
    assert conflict.status_code == 200
    assert "三员角色互斥" in conflict.content.decode()


def test_system_admin_cannot_change_roles_and_the_refusal_is_audited(people):
    client = Client()
    sign_in(client, people["sysadmin"])
    target = people["inspector"]
    response = client.post(
        f"/admin-users/{target.pk}/",
        {"action": "roles", "roles": [Role.LEADER], "reason": "提拔"},
    )
    assert response.status_code == 403
    assert set(target.role_assignments.values_list("role", flat=True)) == {Role.INSPECTOR}
    denied = AuditEvent.objects.get(action="core.access.denied")
    assert (denied.actor_id, denied.success) == (people["sysadmin"].pk, False)


def test_system_admin_creates_an_account(people):
    client = Client()
    sign_in(client, people["sysadmin"])
    response = client.post(
        "/admin-users/new/",
        {
            "username": "newbie",
            "display_name": "新同事",
            "org_unit": people["inspector"].org_unit_id,
            "roles": [Role.AUDIT_ADMIN],  # not a field of the form: ignored
            "password": "Tian-Qing-47-Lu",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="newbie")
    assert created.must_change_password is True
    assert not created.role_set
    event = events("core.user.created")[-1]
    assert event.actor_id == people["sysadmin"].pk
    assert event.after["roles"] == []
    assert "Tian-Qing-47-Lu" not in str(event.after)


# --- S14 what sign-in writes to the audit log ----------------------------------------------


def test_login_success_and_failures_are_audited_with_ip(client, inspector):
    post_password(client, inspector.username, "Wrong-Guess-Pass-1", REMOTE_ADDR="10.1.2.3")
    post_password(client, "ghost", "Wrong-Guess-Pass-1", REMOTE_ADDR="10.1.2.4")
    sign_in(client, inspector)
    failed = events("core.auth.login_failed")
    assert [(e.actor_username, e.actor_id, e.success, e.ip_address, e.reason) for e in failed] == [
        (inspector.username, None, False, "10.1.2.3", "password"),
        ("ghost", None, False, "10.1.2.4", "password"),
    ]
    assert failed[0].object_id == str(inspector.pk)
    assert failed[0].org_unit_id == inspector.org_unit_id
    login = events("core.auth.login")
    assert [(e.actor_id, e.success, e.ip_address) for e in login] == [
        (inspector.pk, True, "127.0.0.1")
    ]
    assert login[0].request_id
    row = UserSession.objects.get(user=inspector)
    assert row.ip_address == "127.0.0.1"


# --- S18 server time only ------------------------------------------------------------------


def test_audit_time_is_the_server_clock_not_the_clients(client, inspector):
    with freeze_time("2026-11-23 10:20:30+08:00"):
        client.post(
            "/accounts/login/",
            {
                "username": inspector.username,
                "password": "Wrong-Guess-Pass-1",
                "occurred_at": "2000-01-01T00:00:00+08:00",
                "timestamp": "946656000",
            },
            headers={"Date": "Sat, 01 Jan 2000 00:00:00 GMT", "X-Client-Time": "2000-01-01"},
        )
    event = events("core.auth.login_failed")[0]
    assert event.occurred_at == dt.datetime(2026, 11, 23, 2, 20, 30, tzinfo=dt.UTC)


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_security_headers(client, inspector, signed_in):
    if signed_in:
        sign_in(client, inspector)
    response = client.get("/home/" if signed_in else "/accounts/login/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_cookie_flags(client, inspector):
    sign_in(client, inspector)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- found in review: S5, S6, S8 and S14 at their edges -------------------------------------


@pytest.mark.parametrize("role", [Role.AUDIT_ADMIN, Role.LEADER, Role.INSPECTOR])
def test_the_system_admin_cannot_give_an_account_a_role(people, role):
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=people["sysadmin"],
            username="shadow",
            display_name="影子",
            org_unit=None,
            roles=[role],
            password="Tian-Qing-47-Lu",
        )
    assert not User.objects.filter(username="shadow").exists()


def test_the_security_admin_gives_a_new_account_its_roles(people):
    created = services.create_user(
        actor=people["sysadmin"],
        username="newbie",
        display_name="新同事",
        org_unit=None,
        roles=[],
        password="Tian-Qing-47-Lu",
    )
    services.set_roles(
        actor=people["secadmin"], user=created, roles=[Role.INSPECTOR], reason="入职"
    )
    assert set(created.role_assignments.values_list("role", flat=True)) == {Role.INSPECTOR}


def test_a_lock_set_at_the_code_step_holds_for_a_right_code(client, inspector):
    assert post_password(client, inspector.username).status_code == 302
    for _ in range(5):
        client.post("/accounts/otp/", {"token": "000000"})
    inspector.refresh_from_db()
    assert inspector.locked_until is not None
    response = client.post("/accounts/otp/", {"token": totp_code(inspector)}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert LOGIN_FAILED in response.content.decode()
    assert not is_signed_in(client)
    assert "pending_user_id" not in client.session
    assert events("core.auth.login_refused_locked")[-1].object_id == str(inspector.pk)


def test_a_locked_account_pays_for_a_hash_like_an_unknown_name(client, monkeypatch):
    from yaoan.core import views

    UserFactory(username="lockme")
    for _ in range(5):
        post_password(client, "lockme", "Wrong-Guess-Pass-1")
    hashed = []
    real = views.make_password
    monkeypatch.setattr(views, "make_password", lambda raw: hashed.append(raw) or real(raw))
    post_password(client, "lockme", "Wrong-Guess-Pass-1")
    assert hashed == ["Wrong-Guess-Pass-1"]


def test_a_lock_that_ran_out_starts_a_new_count(client):
    with freeze_time(T0) as clock:
        user = UserFactory(username="lockme")
        for _ in range(5):
            post_password(client, "lockme", "Wrong-Guess-Pass-1")
        clock.tick(dt.timedelta(minutes=16))
        post_password(client, "lockme", "Wrong-Guess-Pass-1")
        user.refresh_from_db()
        assert user.failed_login_count == 1
        assert user.locked_until < timezone.now()  # one failure does not lock it again


def test_changing_a_password_needs_a_signed_in_user(client):
    response = client.post(
        "/accounts/password/",
        {"old_password": "x", "new_password": "y", "new_password2": "y"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_forced_logout_records_who_and_why_even_with_no_session(people):
    admin, target = people["sysadmin"], people["inspector"]
    assert services.force_logout(actor=admin, user=target, reason="账号疑似泄露") == 0
    event = events("core.user.forced_logout")[-1]
    assert (event.actor_id, event.object_id, event.reason) == (
        admin.pk,
        str(target.pk),
        "账号疑似泄露",
    )
    assert event.after == {"sessions": 0}


def test_a_deactivation_ends_the_sessions_in_the_admins_name(client, inspector):
    sign_in(client, inspector)
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    services.set_active(actor=admin, user=inspector, active=False, reason="调离")
    ended = events("core.session.ended")
    assert [(e.actor_id, e.object_id) for e in ended] == [(admin.pk, str(inspector.pk))]


def test_an_idle_timeout_is_audited(client, inspector):
    with freeze_time(T0, tick=True) as clock:
        sign_in(client, inspector)
        clock.tick(dt.timedelta(minutes=16, seconds=1))
        assert not is_signed_in(client)
    ended = events("core.session.ended")
    assert [(e.actor_id, e.reason, e.after["reason"]) for e in ended] == [
        (inspector.pk, "idle_timeout", "idle_timeout")
    ]


def test_the_password_page_states_the_configured_policy(client, inspector, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "yaoan.core.passwords.LengthAndClassesValidator",
            "OPTIONS": {"min_length": 16, "min_classes": 3},
        },
        {"NAME": "yaoan.core.passwords.PasswordHistoryValidator"},
    ]
    sign_in(client, inspector)
    page = client.get("/accounts/password/").content.decode()
    assert "至少 16 个字符，含大写字母、小写字母、数字、符号中的至少 3 类。" in page
    assert "不能与最近 5 次使用过的密码相同。" in page
