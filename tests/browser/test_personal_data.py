"""An inspector sees a business's phone masked, asks to see it in full with a reason, and
the number appears in place (htmx) with the reveal in the audit log; the edit form shows it
masked and keeps it when left empty."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from yaoan.common.testing import EntityFactory
from yaoan.core.models import AuditEvent

pytestmark = pytest.mark.browser


def test_reveal_the_phone_with_a_reason(page, live_server, inspector, subdistrict, artifacts):
    entity = EntityFactory(subdistrict=subdistrict, name="仁和大药房", contact_phone="13912345678")
    sign_in(page, live_server.url, inspector)
    page.goto(f"{live_server.url}{entity.get_absolute_url()}")

    phone = page.get_by_test_id("pii-contact_phone")
    expect(phone).to_have_text("139****5678")
    page.get_by_test_id("pii-reveal-contact_phone").click()
    page.get_by_test_id("pii-reason").fill("电话通知复查时间")
    page.screenshot(path=artifacts / "pii-reason.png")
    page.get_by_role("button", name="显示（将记入审计日志）").click()
    expect(page.get_by_test_id("pii-contact_phone")).to_have_text("13912345678")
    expect(page.get_by_role("heading", name="仁和大药房")).to_be_visible()  # same page
    page.screenshot(path=artifacts / "pii-revealed.png", full_page=True)
    event = AuditEvent.objects.get(action="core.pii.revealed")
    assert (event.reason, event.after) == ("电话通知复查时间", {"field": "contact_phone"})

    page.goto(f"{live_server.url}/registry/entities/{entity.pk}/edit/")
    phone_input = page.locator("input[name=contact_phone]")
    expect(phone_input).to_have_value("")
    expect(phone_input).to_have_attribute("placeholder", "139****5678（留空则不修改）")
    assert "13912345678" not in page.content()
