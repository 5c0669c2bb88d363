"""Signing in as a person does: password, then the authenticator's 6-digit code; and the
first sign-in of a user who has no authenticator yet (QR code and secret, then a code)."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.helpers import field
from yaoan.common.testing import TEST_PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.browser


def test_password_then_totp_reaches_the_dashboard(page, live_server, inspector, artifacts):
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()

    field(page, "用户名").fill(inspector.username)
    field(page, "密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="下一步").click()

    page.wait_for_url(re.compile(r"/accounts/otp/$"))
    expect(page.locator("main")).to_contain_text(inspector.username)
    field(page, "动态验证码").fill(totp_code(inspector))
    page.get_by_role("button", name="登录").click()

    page.wait_for_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator(".usermenu")).to_contain_text(inspector.display_name)
    page.screenshot(path=artifacts / "dashboard-desktop.png", full_page=True)
    expect(page.get_by_role("link", name="监管对象")).to_be_visible()


def test_wrong_password_is_refused_without_saying_why(page, live_server, inspector):
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "用户名").fill(inspector.username)
    field(page, "密码").fill("not-the-password")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    assert "/accounts/login/" in page.url


def test_first_sign_in_enrols_an_authenticator_from_the_qr_page(
    page, live_server, station, artifacts
):
    user = UserFactory(org_unit=station, totp=False)

    page.goto(f"{live_server.url}/accounts/login/")
    field(page, "用户名").fill(user.username)
    field(page, "密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="下一步").click()

    page.wait_for_url(re.compile(r"/accounts/otp/enrol/$"))
    expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    page.screenshot(path=artifacts / "enrol-desktop.png", full_page=True)
    # what a person types into an authenticator app when the camera cannot read the code
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]+=*", secret), secret
    code = totp(base64.b32decode(secret))
    field(page, "动态验证码").fill(f"{code:06d}")
    page.get_by_role("button", name="完成绑定并登录").click()

    page.wait_for_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator(".usermenu")).to_contain_text(user.display_name)
