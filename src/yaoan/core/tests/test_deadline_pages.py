"""The inbox, the deadline pages and their forms, the workflows page and document, the
administrator's calendar warning, the sweep command and the daily schedule."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf built before any clock is frozen)
from yaoan.common.testing import OrgUnitFactory, UserFactory, sign_in
from yaoan.core.deadline_panels import next_year_missing
from yaoan.core.deadline_tasks import next_run, run_schedule, sweep_deadlines_task
from yaoan.core.deadlines import open_deadline, request_extension, suspend_deadline
from yaoan.core.enums import DeadlineState, NotificationKind, Role
from yaoan.core.models import Deadline, Notification
from yaoan.core.notifications import notify
from yaoan.core.workflow import all_workflows
from yaoan.core.workflow_docs import markdown

D = dt.date
pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[4] / "docs" / "workflows.md"


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def unit():
    return OrgUnitFactory(code="station-p", name="某所")


@pytest.fixture
def officer(unit):
    return UserFactory(org_unit=unit, roles=[Role.INSPECTOR])


@pytest.fixture
def chief(unit):
    return UserFactory(org_unit=unit, roles=[Role.SECTION_CHIEF])


def _deadline(unit, officer, start=None, code="rectification") -> Deadline:
    return open_deadline(
        actor=officer,
        subject=unit,
        rule_code=code,
        org_unit=unit,
        assignee=officer,
        start=start or timezone.localdate(),
        label="整改事项",
        url="/home/",
    )


def test_inbox_header_count_list_open_and_mark_read(officer):
    for i in range(3):
        notify(officer, NotificationKind.ASSIGNED, f"分派给您：事项{i}", link="/home/")
    notify(officer, NotificationKind.INFO, "外部链接", link="https://evil.example/")
    client = client_for(officer)
    page = client.get("/notifications/").content.decode()
    assert 'class="inbox">通知 <span class="badge warn" aria-label="未读通知">4</span>' in page
    assert "分派给您：事项2" in page
    first = Notification.objects.filter(title="分派给您：事项0").get()
    response = client.get(f"/notifications/{first.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/home/")
    evil = Notification.objects.get(title="外部链接")
    assert client.get(f"/notifications/{evil.pk}/open/")["Location"] == "/notifications/"
    unread = client.get("/notifications/?unread=1").content.decode()
    assert "事项0" not in unread and "事项1" in unread
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()


def test_someone_elses_notification_is_404(officer, chief):
    notify(chief, NotificationKind.ASSIGNED, "给负责人的")
    note = Notification.objects.get()
    assert client_for(officer).get(f"/notifications/{note.pk}/open/").status_code == 404


def test_inbox_is_keyset_paged_with_a_fixed_number_of_queries(officer):
    Notification.objects.bulk_create(
        Notification(recipient=officer, kind="info", title=f"第{i}条", created_at=timezone.now())
        for i in range(120)
    )
    client = client_for(officer)
    client.get("/notifications/")
    with CaptureQueriesContext(connection) as first:
        page = client.get("/notifications/").content.decode()
    assert "第119条" in page and "第70条" in page and "第69条" not in page
    oldest_shown = Notification.objects.get(title="第70条").pk
    assert f"before={oldest_shown}" in page
    with CaptureQueriesContext(connection) as deeper:
        page = client.get(f"/notifications/?before={oldest_shown}").content.decode()
    assert "第69条" in page and "第70条" not in page
    assert len(deeper) == len(first)
    assert client.get("/notifications/?before=99999999999999999999999").status_code == 200


def test_my_deadlines_and_the_unit_list_for_the_chief(unit, officer, chief):
    late = _deadline(unit, officer, start=D(2025, 9, 1))
    assert late.state == DeadlineState.OVERDUE
    _deadline(unit, officer)
    officer_client = client_for(officer)
    mine = officer_client.get("/deadlines/").content.decode()
    assert mine.count("整改事项") == 2
    assert officer_client.get("/deadlines/unit/").status_code == 403
    chief_client = client_for(chief)
    listed = chief_client.get("/deadlines/unit/").content.decode()
    assert listed.count("整改事项") == 1  # overdue by default
    assert "2025-09-22" in listed
    assert chief_client.get("/deadlines/unit/?state=all").content.decode().count("整改事项") == 2
    assert chief_client.get("/deadlines/unit/?state=bogus").status_code == 200
    home = chief_client.get("/home/").content.decode()
    assert "本单位逾期" in home


def test_extension_form_errors_in_chinese_then_request_and_decide(unit, officer, chief):
    deadline = _deadline(unit, officer, code="report_verification")
    client = client_for(officer)
    url = f"/deadlines/{deadline.pk}/extension/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "请填写理由" in response.content.decode()
    assert client.post(url, {"reason": "需外地协查"}).status_code == 302
    extension = deadline.extensions.get()
    decide = f"/deadlines/{deadline.pk}/extension/{extension.pk}/decide/"
    refused = client.post(decide, {"approve": "1"})
    assert refused.status_code == 422
    assert "审批人不能是申请人本人" in refused.content.decode()
    chief_client = client_for(chief)
    assert "审批延期申请" in chief_client.get(f"/deadlines/{deadline.pk}/").content.decode()
    no_reason = chief_client.post(decide, {"approve": "0"})
    assert "不批准时须填写审批意见" in no_reason.content.decode()
    assert chief_client.post(decide, {"approve": "1"}).status_code == 302
    extension.refresh_from_db()
    assert extension.status == "approved"


def test_overlapping_suspension_is_refused_on_the_page(unit, officer):
    deadline = _deadline(unit, officer)
    client = client_for(officer)
    today = timezone.localdate()
    assert (
        client.post(
            f"/deadlines/{deadline.pk}/suspend/", {"reason": "送检", "start": today.isoformat()}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/deadlines/{deadline.pk}/resume/", {"end": today.isoformat()}).status_code
        == 302
    )
    deadline.refresh_from_db()
    suspend_deadline(deadline, actor=officer, reason="专家论证")
    client.post(
        f"/deadlines/{deadline.pk}/resume/", {"end": (today + dt.timedelta(days=3)).isoformat()}
    )
    response = client.post(
        f"/deadlines/{deadline.pk}/suspend/", {"reason": "再次", "start": today.isoformat()}
    )
    assert response.status_code == 422
    assert "中止期间与已有的中止期间重叠" in response.content.decode()
    assert client.post(f"/deadlines/{deadline.pk}/suspend/", {"start": "x"}).status_code == 422


def test_a_stranger_cannot_see_a_deadline(unit, officer):
    deadline = _deadline(unit, officer, code="report_verification")
    other = UserFactory(org_unit=OrgUnitFactory(code="other"), roles=[Role.INSPECTOR])
    assert client_for(other).get(f"/deadlines/{deadline.pk}/").status_code == 403
    request_extension(deadline, actor=officer, reason="x")  # still works for the assignee


def test_provisional_deadline_shows_its_badge(unit, officer):
    deadline = open_deadline(
        actor=officer, subject=unit, rule_code="random_inspection_publication", org_unit=unit,
        assignee=officer, start=D(2027, 3, 1), label="公示",
    )  # fmt: skip
    assert deadline.provisional
    page = client_for(officer).get(f"/deadlines/{deadline.pk}/").content.decode()
    assert '<span class="badge warn">暂定</span>' in page


def test_next_year_warning_from_the_first_of_november():
    assert next_year_missing(D(2026, 10, 31)) is None
    assert next_year_missing(D(2026, 11, 1)) == 2027
    assert next_year_missing(D(2025, 11, 1)) is None  # 2026 is in the package


def test_system_admin_dashboard_warns_about_next_year(unit):
    admin = UserFactory(org_unit=unit, roles=[Role.SYSTEM_ADMIN])
    client = client_for(admin)
    with freeze_time("2026-11-02 03:00"):
        page = client.get("/home/").content.decode()
    assert "2027 年工作日历尚未导入" in page
    with freeze_time("2026-10-30 03:00"):
        assert "工作日历尚未导入" not in client.get("/home/").content.decode()


def test_workflows_page_and_document_are_current(officer):
    assert client_for(officer).get("/workflows/").status_code == 200
    assert DOC.read_text(encoding="utf-8") == markdown(all_workflows()), (
        "docs/workflows.md is stale: run `yaoan workflows doc > docs/workflows.md`"
    )


def test_sweep_command_runs_and_says_what_it_did(unit, officer):
    _deadline(unit, officer, start=D(2025, 9, 1)).__class__.objects.update(state="open")
    out = io.StringIO()
    call_command("deadlines", "sweep", "--today", "2025-10-09", stdout=out)
    assert out.getvalue() == "2025-10-09: 1 overdue, 0 reminded, 1 notifications\n"
    out = io.StringIO()
    call_command("deadlines", "sweep", "--today", "2025-10-09", stdout=out)
    assert out.getvalue() == "2025-10-09: 0 overdue, 0 reminded, 0 notifications\n"


def test_the_schedule_enqueues_now_and_at_the_daily_time():
    at = dt.time(0, 5)
    tz = timezone.get_current_timezone()
    assert next_run(dt.datetime(2026, 12, 7, 0, 4, tzinfo=tz), at) == dt.datetime(
        2026, 12, 7, 0, 5, tzinfo=tz
    )
    assert next_run(dt.datetime(2026, 12, 7, 0, 5, tzinfo=tz), at) == dt.datetime(
        2026, 12, 8, 0, 5, tzinfo=tz
    )
    runs: list[str] = []
    with freeze_time("2026-12-06 16:04:00") as clock:  # 00:04 in Shanghai

        def sleep(seconds: float) -> None:
            clock.tick(dt.timedelta(seconds=seconds))

        done = run_schedule(
            at, enqueue=lambda: runs.append(timezone.localtime().isoformat()), sleep=sleep, rounds=3
        )
    assert done == 3
    assert [r[:16] for r in runs] == ["2026-12-07T00:04", "2026-12-07T00:05", "2026-12-08T00:05"]


def test_the_sweep_runs_through_the_task_queue(unit, officer):
    _deadline(unit, officer, start=D(2025, 9, 1)).__class__.objects.update(state="open")
    result = sweep_deadlines_task.enqueue("2025-10-09")
    assert result.return_value == {
        "today": "2025-10-09",
        "overdue": 1,
        "reminded": 0,
        "notifications": 1,
    }
    out = io.StringIO()
    call_command("deadlines", "sweep", "--enqueue", stdout=out)
    assert out.getvalue().startswith("deadline sweep enqueued (")


def test_deadline_lists_make_the_same_queries_for_more_rows(unit, officer, chief):
    client, chief_client = client_for(officer), client_for(chief)

    def queries(c: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    _deadline(unit, officer)
    few = queries(client, "/deadlines/"), queries(chief_client, "/deadlines/unit/?state=all")
    for _ in range(8):
        _deadline(unit, officer)
    many = queries(client, "/deadlines/"), queries(chief_client, "/deadlines/unit/?state=all")
    assert few == many
