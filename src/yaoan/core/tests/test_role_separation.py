"""三员 at its edges (S8): nobody changes their own roles, the last administrator of a kind
keeps the role, an account is a business account or one administrator for good; password
and authenticator resets with a reason; an administrator who set the initial password
cannot enrol the account's authenticator."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from yaoan.common.testing import OrgUnitFactory, UserFactory, sign_in, totp_code
from yaoan.core import account_services, services
from yaoan.core.enums import Role
from yaoan.core.models import ApiToken, AuditEvent, User

pytestmark = pytest.mark.django_db

TEMP_PASSWORD = "Lin-Shi-Mi-Ma-2026!"


@pytest.fixture
def people(db):
    it = OrgUnitFactory(code="it", name="信息中心")
    station = OrgUnitFactory(code="station", name="江城所")
    return {
        "sysadmin": UserFactory(username="sys", org_unit=it, roles=[Role.SYSTEM_ADMIN]),
        "secadmin": UserFactory(username="sec", org_unit=it, roles=[Role.SECURITY_ADMIN]),
        "auditor": UserFactory(username="aud", org_unit=it, roles=[Role.AUDIT_ADMIN]),
        "inspector": UserFactory(username="insp", org_unit=station, roles=[Role.INSPECTOR]),
    }


def roles_of(user):
    return set(user.role_assignments.values_list("role", flat=True))


def action_events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- roles ------------------------------------------------------------------------------


def test_nobody_changes_their_own_roles(client, people):
    sec = people["secadmin"]
    with pytest.raises(PermissionDenied, match="不能修改自己的角色"):
        services.set_roles(actor=sec, user=sec, roles=[Role.SECURITY_ADMIN], reason="自查")
    sign_in(client, sec)
    response = client.post(
        f"/admin-users/{sec.pk}/",
        {"action": "roles", "roles": [Role.AUDIT_ADMIN], "reason": "转岗"},
    )
    assert response.status_code == 200
    assert response.context["roles_form"].errors == {"roles": ["不能修改自己的角色"]}
    assert roles_of(sec) == {Role.SECURITY_ADMIN}


def test_the_last_holder_of_an_administrator_role_keeps_it(people):
    sec, aud, sys = people["secadmin"], people["auditor"], people["sysadmin"]
    with pytest.raises(ValidationError) as info:
        services.set_roles(actor=sec, user=aud, roles=[], reason="离职")
    assert info.value.code == "last_admin"
    assert roles_of(aud) == {Role.AUDIT_ADMIN}
    # deactivating the last security administrator would leave nobody to assign roles
    with pytest.raises(ValidationError) as info:
        services.set_active(actor=sys, user=sec, active=False, reason="离职")
    assert info.value.code == "last_admin"
    assert User.objects.get(pk=sec.pk).is_active
    # with a second auditor in post, the first may go
    second = UserFactory(roles=[Role.AUDIT_ADMIN])
    services.set_roles(actor=sec, user=aud, roles=[], reason="离职")
    assert roles_of(aud) == set()
    with pytest.raises(ValidationError):
        services.set_roles(actor=sec, user=second, roles=[], reason="离职")


@pytest.mark.parametrize(
    ("holder", "steps"),
    [
        ("inspector", [[Role.SYSTEM_ADMIN]]),  # business → administrator
        ("inspector", [[], [Role.AUDIT_ADMIN]]),  # … in two steps
        ("auditor", [[Role.AUDIT_ADMIN, Role.INSPECTOR]]),  # administrator → business
        ("sysadmin", [[Role.INSPECTOR]]),
    ],
)
def test_an_account_stays_business_or_its_one_administrator_role(people, holder, steps):
    UserFactory(roles=[Role.SYSTEM_ADMIN])  # so the last-holder rule is not what refuses
    user = people[holder]
    before = roles_of(user)
    *first, last = steps
    for roles in first:
        services.set_roles(actor=people["secadmin"], user=user, roles=roles, reason="调整")
    with pytest.raises(ValidationError) as info:
        services.set_roles(actor=people["secadmin"], user=user, roles=last, reason="调整")
    assert info.value.code in {"account_kind", "role_conflict"}
    assert roles_of(user) == (set() if first else before)


def test_an_administrator_account_cannot_move_to_another_administrator_role(people):
    sec = people["secadmin"]
    second_sys = UserFactory(roles=[Role.SYSTEM_ADMIN])
    services.set_roles(actor=sec, user=second_sys, roles=[], reason="调整")
    with pytest.raises(ValidationError) as info:
        services.set_roles(actor=sec, user=second_sys, roles=[Role.AUDIT_ADMIN], reason="调整")
    assert info.value.code == "account_kind"
    services.set_roles(actor=sec, user=second_sys, roles=[Role.SYSTEM_ADMIN], reason="复岗")
    assert roles_of(second_sys) == {Role.SYSTEM_ADMIN}


def test_a_new_account_is_bound_by_its_first_roles(people):
    user = services.create_user(
        actor=people["sysadmin"],
        username="newbie",
        display_name="新同事",
        org_unit=None,
        roles=[],
        password="Tian-Qing-47-Lu",
    )
    assert user.account_kind == ""
    services.set_roles(actor=people["secadmin"], user=user, roles=[Role.INSPECTOR], reason="入职")
    assert User.objects.get(pk=user.pk).account_kind == "business"


# --- who may do what on the account page ---------------------------------------------------

ACTIONS = {
    "roles": {"action": "roles", "roles": [Role.INSPECTOR, Role.CASE_OFFICER], "reason": "兼任"},
    "force_logout": {"action": "force_logout", "reason": "交接"},
    "reset_password": {
        "action": "reset_password",
        "new_password": TEMP_PASSWORD,
        "reason": "忘记密码",
    },
    "reset_otp": {"action": "reset_otp", "otp-reason": "手机丢失"},
}
ALLOWED = {
    "sysadmin": {"force_logout", "reset_password"},
    "secadmin": {"roles", "reset_otp"},
    "auditor": set(),
    "inspector": set(),
}


@pytest.mark.parametrize("who", sorted(ALLOWED))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_role_by_action_matrix_on_the_account_page(client, people, who, action):
    target = people["inspector"] if who != "inspector" else UserFactory(roles=[Role.INSPECTOR])
    sign_in(client, people[who])
    response = client.post(f"/admin-users/{target.pk}/", ACTIONS[action])
    if action in ALLOWED[who]:
        assert response.status_code in (200, 302), response.content[:300]
        assert (
            AuditEvent.objects.filter(object_id=str(target.pk), success=True)
            .exclude(action__startswith="core.auth")
            .exists()
        )
    else:
        assert response.status_code == 403
        assert AuditEvent.objects.filter(action="core.access.denied", actor_id=people[who].pk)


# --- password reset -------------------------------------------------------------------------


def test_password_reset_forces_a_change_ends_sessions_and_tokens(people):
    sys, insp = people["sysadmin"], people["inspector"]
    signed_in = Client()
    sign_in(signed_in, insp)
    services.issue_api_token(user=insp, name="同步")
    account_services.reset_password(
        actor=sys, user=insp, new_password=TEMP_PASSWORD, reason="本人来电，忘记密码"
    )
    assert signed_in.get("/home/").status_code in (302, 401)
    assert ApiToken.objects.get(user=insp).revoked_reason == "password_reset"
    event = action_events("core.user.password_reset")[-1]
    assert (event.actor_id, event.object_id, event.reason) == (
        sys.pk,
        str(insp.pk),
        "本人来电，忘记密码",
    )
    assert TEMP_PASSWORD not in str(event.after) + str(event.before)
    fresh = Client()
    with freeze_time(timezone.now() + dt.timedelta(seconds=31), tick=True):
        sign_in(fresh, insp, password=TEMP_PASSWORD)
        response = fresh.get("/home/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/")


def test_password_reset_needs_a_reason_and_another_administrator(people):
    sys = people["sysadmin"]
    with pytest.raises(ValidationError):
        account_services.reset_password(
            actor=sys, user=people["inspector"], new_password=TEMP_PASSWORD, reason=" "
        )
    with pytest.raises(PermissionDenied):
        account_services.reset_password(
            actor=sys, user=sys, new_password=TEMP_PASSWORD, reason="自己"
        )
    with pytest.raises(PermissionDenied):
        account_services.reset_password(
            actor=people["secadmin"],
            user=people["inspector"],
            new_password=TEMP_PASSWORD,
            reason="越权",
        )


# --- authenticator reset and enrolment -------------------------------------------------------


def enrol(client, user, password, code=None, at=None):
    """The password step, then the enrolment page with a valid TOTP code."""
    assert client.post("/accounts/login/", {"username": user.username, "password": password})[
        "Location"
    ] == ("/accounts/otp/enrol/")
    client.get("/accounts/otp/enrol/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    totp = TOTP(device.bin_key)
    totp.time = (at or timezone.now()).timestamp()
    data = {"token": f"{totp.token():06d}"}
    if code is not None:
        data["enrolment_code"] = code
    return client.post("/accounts/otp/enrol/", data)


def test_a_lost_authenticator_is_reset_and_the_owner_enrols_with_the_code(client, people):
    sec, insp = people["secadmin"], people["inspector"]
    sign_in(client, sec)
    page = client.post(
        f"/admin-users/{insp.pk}/", {"action": "reset_otp", "otp-reason": "手机丢失"}
    )
    code = page.context["enrolment_code"]
    assert len(code) == 8 and code in page.content.decode()
    assert not TOTPDevice.objects.filter(user=insp).exists()
    reset = action_events("core.user.authenticator_reset")[-1]
    assert (reset.actor_id, reset.reason) == (sec.pk, "手机丢失")
    assert code not in str(reset.after)

    owner = Client()
    wrong = enrol(owner, insp, "Yaoan-Test-Pass-2026!", code="00000000")
    assert "登记码不正确或已失效" in wrong.content.decode()
    assert User.objects.get(pk=insp.pk).failed_login_count == 1
    later = timezone.now() + dt.timedelta(seconds=31)
    with freeze_time(later, tick=True):
        done = enrol(Client(), insp, "Yaoan-Test-Pass-2026!", code=code, at=later)
    assert done.status_code == 302
    enrolled = action_events("core.user.totp_enrolled")[-1]
    assert (enrolled.actor_id, enrolled.object_id) == (insp.pk, str(insp.pk))
    assert User.objects.get(pk=insp.pk).enrolment_code_required is False


def test_the_administrator_who_set_the_initial_password_cannot_enrol_the_account(people):
    sys, sec = people["sysadmin"], people["secadmin"]
    created = services.create_user(
        actor=sys,
        username="newbie",
        display_name="新同事",
        org_unit=None,
        roles=[],
        password="Tian-Qing-47-Lu",
    )
    # the system administrator knows the password but has no code: the page asks for one
    impostor = Client()
    response = enrol(impostor, created, "Tian-Qing-47-Lu")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "enrolment_code": ["请输入安全管理员交给您本人的登记码。"]
    }
    assert not TOTPDevice.objects.filter(user=created, confirmed=True).exists()
    # the security administrator, who never learns the password, hands the owner a code
    code = account_services.issue_enrolment_code(actor=sec, user=created, reason="新入职")
    later = timezone.now() + dt.timedelta(seconds=31)
    with freeze_time(later, tick=True):
        done = enrol(Client(), created, "Tian-Qing-47-Lu", code=code, at=later)
    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user=created, confirmed=True).count() == 1
    issued = action_events("core.user.enrolment_code_issued")[-1]
    assert (issued.actor_id, issued.reason) == (sec.pk, "新入职")


def test_an_enrolled_account_gets_no_new_code_without_a_reset(people):
    with pytest.raises(ValidationError):
        account_services.issue_enrolment_code(
            actor=people["secadmin"], user=people["inspector"], reason="再发"
        )
    assert totp_code(people["inspector"])  # the owner's device is untouched
