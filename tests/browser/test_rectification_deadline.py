"""A rectification order's deadline as a record, as the people involved see it: the chief
opens the order issued at the inspection's submission and sees its 整改期限; three working
days before it the daily sweep reminds the inspector, who finds "还剩 3 个工作日" in the
inbox; once it has passed the sweep marks it overdue and the chief finds the order in the
overdue list. On the way the chief prints the 责令改正通知书 to serve on site."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from yaoan.common.testing import EntityFactory, OrgUnitFactory, UserFactory
from yaoan.core.calendar import WorkingCalendar
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.sweep import sweep_deadlines
from yaoan.inspections import scheduling, services
from yaoan.inspections.enums import InspectionKind, ItemResult
from yaoan.inspections.models import RectificationOrder

pytestmark = pytest.mark.browser


@pytest.fixture
def order(station, subdistrict, reference_data):
    chief = UserFactory(
        org_unit=OrgUnitFactory(kind=OrgUnitKind.SECTION),
        roles=[Role.SECTION_CHIEF],
        display_name="王股长",
    )
    inspector = UserFactory(org_unit=station, display_name="张检查")
    partner = UserFactory(org_unit=station, display_name="李检查")
    pharmacy = EntityFactory(subdistrict=subdistrict, name="松鹤大药房")
    visit = scheduling.schedule_inspection(
        actor=chief,
        entity=pharmacy,
        kind=InspectionKind.PLANNED,
        scheduled_for=timezone.localdate(),
        inspectors=[inspector, partner],
    )
    records = {
        item.pk: (
            (ItemResult.NON_COMPLIANT, "温湿度记录缺失") if n == 0 else (ItemResult.COMPLIANT, "")
        )
        for n, item in enumerate(visit.checklist.items.order_by("position"))
    }
    services.save_draft(actor=inspector, inspection=visit, records=records)
    services.enter_paper_record(
        actor=inspector, inspection=visit, co_inspector=partner, reason="现场纸质记录补录"
    )
    found = RectificationOrder.objects.get(inspection=visit)
    return {"chief": chief, "inspector": inspector, "order": found}


def test_the_inspector_is_reminded_and_the_chief_sees_the_order_go_overdue(
    page, phone_page, live_server, order, artifacts
):
    found = order["order"]
    due = found.deadline
    assert due is not None
    sign_in(page, live_server.url, order["chief"])
    page.goto(f"{live_server.url}{found.get_absolute_url()}")
    expect(page.get_by_test_id("due")).to_contain_text(due.isoformat())
    with page.expect_download() as download_info:
        page.get_by_test_id("print-notice").click()
    notice = Path(download_info.value.path()).read_bytes()
    lines = [p.text for p in Document(io.BytesIO(notice)).paragraphs]
    assert lines[:3] == ["责令改正通知书", found.number, "松鹤大药房："]
    assert f"{due.year}年{due.month}月{due.day}日前改正" in "\n".join(lines)

    # the daily sweep, run as if three working days before the due date
    calendar = WorkingCalendar(provisional=True)
    three_before = next(
        day
        for day in (due - dt.timedelta(days=n) for n in range(1, 15))
        if calendar.working_days_between(day, due) == 3
    )
    assert sweep_deadlines(today=three_before).reminded == 1
    sign_in(phone_page, live_server.url, order["inspector"])
    phone_page.goto(f"{live_server.url}/notifications/")
    reminder = phone_page.locator("main")
    expect(reminder).to_contain_text("还剩 3 个工作日")
    expect(reminder).to_contain_text(found.number)
    phone_page.screenshot(path=artifacts / "rectification-reminder.png", full_page=True)

    # the day after the due date the sweep marks it overdue: the chief's overdue list has it
    assert sweep_deadlines(today=due + dt.timedelta(days=1)).overdue == 1
    page.goto(f"{live_server.url}/inspections/rectifications/?overdue=1")
    row = page.locator("tr", has_text=found.number)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("overdue")).to_have_text("逾期")
    page.screenshot(path=artifacts / "rectification-overdue.png", full_page=True)
    page.goto(f"{live_server.url}{found.get_absolute_url()}")
    expect(page.get_by_test_id("due")).to_contain_text("逾期")
    assert re.search(r"\d{4}-\d{2}-\d{2}", page.get_by_test_id("due").inner_text())
