"""What a person does on the pages, shared by the browser tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import expect

from yaoan.common.testing import TEST_PASSWORD, totp_code


def field(page: Any, label: str) -> Any:
    """The form control labelled ``label`` (a required field's label ends in “*”)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?$"))


def sign_in(page: Any, base_url: str, user: Any) -> None:
    """Both factors through the login pages, as a person types them."""
    page.goto(f"{base_url}/accounts/login/")
    field(page, "用户名").fill(user.username)
    field(page, "密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(re.compile(r"/accounts/otp/$"))
    field(page, "动态验证码").fill(totp_code(user))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/home/$"))
    expect(page.locator(".usermenu")).to_contain_text(user.display_name)


# the phone_page fixture's device (tests/browser/conftest.py), for a second person's phone
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@contextmanager
def another_phone(beside: Any, problems: Any) -> Iterator[Any]:
    """A second person's phone in the same test (the fixtures give one phone and one desk):
    a fresh context of the phone's size, watched for the same problems, which the fixture's
    page reports when it closes."""
    context = beside.context.browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", **PHONE
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", problems.console)
    page.on("pageerror", problems.page_error)
    page.on("response", problems.response)
    try:
        yield page
    finally:
        context.close()
