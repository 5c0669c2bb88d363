"""S8 as two administrators and a new colleague meet it: the system administrator opens the
account (and knows its initial password), the security administrator hands the colleague an
enrolment code, and only with it does the colleague bind an authenticator."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.helpers import field
from yaoan.common.testing import OrgUnitFactory, UserFactory, totp_code
from yaoan.core import services
from yaoan.core.enums import Role

pytestmark = pytest.mark.browser

INITIAL = "Chu-Shi-Mi-Ma-2026!"


def sign_in(page, base, user, password, code):
    page.goto(f"{base}/accounts/login/")
    field(page, "用户名").fill(user.username)
    field(page, "密码").fill(password)
    page.get_by_role("button", name="下一步").click()
    if code is not None:
        page.wait_for_url(re.compile(r"/accounts/otp/$"))
        field(page, "动态验证码").fill(code)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/home/$"))


def test_a_new_colleague_enrols_with_the_security_administrators_code(
    page, live_server, station, artifacts
):
    it = OrgUnitFactory(code="it", name="信息中心")
    sysadmin = UserFactory(org_unit=it, roles=[Role.SYSTEM_ADMIN])
    secadmin = UserFactory(org_unit=it, roles=[Role.SECURITY_ADMIN])
    colleague = services.create_user(
        actor=sysadmin,
        username="newbie",
        display_name="新同事",
        org_unit=station,
        roles=[],
        password=INITIAL,
    )
    context = page.context
    # the security administrator issues the code on the account page
    sign_in(page, live_server.url, secadmin, "Yaoan-Test-Pass-2026!", totp_code(secadmin))
    page.goto(f"{live_server.url}/admin-users/{colleague.pk}/")
    expect(page.get_by_test_id("otp-state")).to_have_text("未绑定，须凭登记码绑定")
    page.locator("input[name=otp-reason]").fill("新入职")
    page.get_by_role("button", name="发放登记码").click()
    code = page.get_by_test_id("enrolment-code").inner_text().strip()
    assert re.fullmatch(r"\d{8}", code)
    page.screenshot(path=artifacts / "enrolment-code.png", full_page=True)
    context.clear_cookies()

    # the colleague: password, then QR page with the code field
    sign_in(page, live_server.url, colleague, INITIAL, None)
    page.wait_for_url(re.compile(r"/accounts/otp/enrol/$"))
    expect(page.locator("main")).to_contain_text("登记码")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    field(page, "动态验证码").fill(f"{totp(base64.b32decode(secret)):06d}")
    field(page, "登记码").fill(code)
    page.get_by_role("button", name="完成绑定并登录").click()
    # an administrator opened the account: the initial password must be changed next
    page.wait_for_url(re.compile(r"/accounts/password/$"))
    page.screenshot(path=artifacts / "enrolled-password-change.png", full_page=True)
