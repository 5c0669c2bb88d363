"""Working days with 调休, the administrator override for unknown years, deadlines (S20)."""

import datetime as dt

import pytest
from freezegun import freeze_time

import yaoan.urls  # noqa: F401  (URLconf and API schemas built before any clock is frozen)
from yaoan.common.testing import OrgUnitFactory, UserFactory, sign_in
from yaoan.core import services
from yaoan.core.calendar import (
    CalendarYearUnknownError,
    WorkingCalendar,
    add_working_days,
    is_workday,
    package_years,
)
from yaoan.core.deadlines import DEFAULT_RULES, UnknownDeadlineRuleError, compute_deadline
from yaoan.core.enums import Role
from yaoan.core.models import AuditEvent, CalendarYearOverride, DeadlineRule, HolidayOverride

D = dt.date
YEAR_2027 = [
    (D(2027, 1, 1), False, "元旦"),
    (D(2027, 1, 2), True, "元旦调休"),  # a Saturday made a workday
    (D(2027, 2, 8), False, "春节"),
]

pytestmark = pytest.mark.django_db


def test_package_knows_2004_to_2026_only():
    years = package_years()
    assert min(years) == 2004
    assert max(years) == 2026
    assert 2027 not in years


def test_national_day_2025_fifteen_working_days():
    assert add_working_days(D(2025, 9, 26), 15) == D(2025, 10, 23)


def test_zero_working_days_is_the_start_and_negative_is_refused():
    assert add_working_days(D(2025, 9, 26), 0) == D(2025, 9, 26)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2025, 9, 26), -1)


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2025, 1, 26), True),  # Sunday, 春节调休 make-up workday
        (D(2025, 1, 28), False),  # 除夕
        (D(2025, 1, 29), False),  # 春节
        (D(2025, 2, 4), False),  # last day of the Spring Festival holiday
        (D(2025, 2, 5), True),
        (D(2025, 2, 8), True),  # Saturday, make-up workday
        (D(2025, 2, 9), False),  # ordinary Sunday
        (D(2025, 10, 11), True),  # Saturday, 国庆调休
        (D(2025, 10, 8), False),
    ],
)
def test_spring_festival_and_make_up_workdays(day, workday):
    assert is_workday(day) is workday


def test_count_runs_through_a_make_up_sunday():
    # Friday 2025-01-24, then Sunday 01-26 is a workday, then the holiday until 02-04
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)
    assert add_working_days(D(2025, 1, 24), 2) == D(2025, 1, 27)
    assert add_working_days(D(2025, 1, 24), 3) == D(2025, 2, 5)


def test_working_days_between():
    assert WorkingCalendar().working_days_between(D(2025, 9, 26), D(2025, 10, 23)) == 15


def test_unknown_year_raises_with_chinese_message():
    with pytest.raises(CalendarYearUnknownError) as info:
        add_working_days(D(2026, 12, 30), 5)
    assert info.value.year == 2027
    assert str(info.value) == (
        "工作日历尚未包含 2027 年的法定节假日安排，请系统管理员导入该年度日历后再计算期限。"
    )


def test_unknown_year_is_not_a_silent_weekend_count():
    with pytest.raises(CalendarYearUnknownError):
        is_workday(D(2027, 3, 3))  # an ordinary Wednesday is still not guessed


def test_loaded_year_counts_with_its_override_days():
    services.load_calendar_year(
        actor=UserFactory(roles=[Role.SYSTEM_ADMIN]),
        year=2027,
        source="国办发明电〔2026〕1号",
        days=YEAR_2027,
    )
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 2)  # make-up Saturday
    assert add_working_days(D(2026, 12, 31), 2) == D(2027, 1, 4)
    assert is_workday(D(2027, 2, 8)) is False  # a Monday, declared a holiday
    assert is_workday(D(2027, 2, 9)) is True
    assert is_workday(D(2027, 2, 13)) is False  # weekend, no override
    event = AuditEvent.objects.get(action="core.calendar.year_loaded")
    assert event.reason == "国办发明电〔2026〕1号"
    assert event.after["days"][1] == ["2027-01-02", True, "元旦调休"]


def test_reloading_a_year_replaces_its_days():
    services.load_calendar_year(
        actor=UserFactory(roles=[Role.SYSTEM_ADMIN]), year=2027, source="初版", days=YEAR_2027
    )
    services.load_calendar_year(
        actor=UserFactory(roles=[Role.SYSTEM_ADMIN]),
        year=2027,
        source="更正",
        days=[(D(2027, 1, 1), False, "元旦")],
    )
    assert list(HolidayOverride.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert CalendarYearOverride.objects.get(year=2027).source == "更正"
    assert is_workday(D(2027, 1, 2)) is False


def test_load_refuses_a_day_from_another_year():
    with pytest.raises(services.ValidationError) as info:
        services.load_calendar_year(
            actor=UserFactory(roles=[Role.SYSTEM_ADMIN]),
            year=2027,
            source="x",
            days=[(D(2028, 1, 1), False, "元旦")],
        )
    assert info.value.messages == ["日期 2028-01-01 不属于 2027 年"]
    assert not CalendarYearOverride.objects.exists()


def test_single_override_corrects_a_package_year():
    HolidayOverride.objects.create(date=D(2025, 10, 9), is_workday=False, name="临时放假")
    assert add_working_days(D(2025, 9, 26), 15) == D(2025, 10, 24)
    HolidayOverride.objects.create(date=D(2025, 10, 12), is_workday=True, name="临时上班")
    assert add_working_days(D(2025, 9, 26), 15) == D(2025, 10, 23)


def test_deadline_rules_are_loaded_by_migration():
    rule = DeadlineRule.objects.get(code="report_verification")
    assert (rule.amount, rule.unit) == (15, "working_days")
    codes = [code for code, *_rest in DEFAULT_RULES]
    # every default is loaded by some migration (modules add theirs: no fixed count)
    assert DeadlineRule.objects.filter(code__in=codes).count() == len(DEFAULT_RULES)
    rectification = DeadlineRule.objects.get(code="rectification")
    assert (rectification.amount, rectification.unit) == (15, "working_days")
    assert rectification.basis.startswith("责令改正通知书默认整改期限15个工作日")


@pytest.mark.parametrize(
    ("code", "start", "deadline"),
    [
        ("report_verification", D(2025, 9, 26), D(2025, 10, 23)),  # 15 working days
        ("complaint_acceptance", D(2025, 9, 30), D(2025, 10, 16)),  # 7 working days
        ("case_decision", D(2025, 9, 26), D(2025, 12, 25)),  # 90 calendar days
        ("adr_new_or_serious", D(2025, 12, 25), D(2026, 1, 9)),  # 15 calendar days
        ("adr_death", D(2025, 10, 1), D(2025, 10, 1)),  # immediate
    ],
)
def test_compute_deadline(code, start, deadline):
    assert compute_deadline(code, start) == deadline


def test_compute_deadline_follows_an_edited_rule():
    rule = DeadlineRule.objects.get(code="statement_of_defence")
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    services.update_deadline_rule(
        actor=admin, rule=rule, amount=3, unit="working_days", reason="测试"
    )
    assert compute_deadline("statement_of_defence", D(2025, 9, 26)) == D(2025, 9, 30)


def test_compute_deadline_into_an_unknown_year_fails_loudly():
    with pytest.raises(CalendarYearUnknownError):
        compute_deadline("report_verification", D(2026, 12, 20))
    # a calendar-day rule does not need the calendar
    assert compute_deadline("case_decision", D(2026, 12, 20)) == D(2027, 3, 20)


def test_compute_deadline_unknown_rule():
    with pytest.raises(UnknownDeadlineRuleError):
        compute_deadline("no_such_rule", D(2025, 1, 1))


# --- the administrator's calendar page -------------------------------------------------


@pytest.fixture
def sysadmin(db):
    return UserFactory(org_unit=OrgUnitFactory(code="it"), roles=[Role.SYSTEM_ADMIN])


BANNER = "工作日历尚未包含 2027 年"


@freeze_time("2026-11-23 10:00:00+08:00", tick=True)
def test_calendar_page_shows_banner_for_unknown_next_year(client, sysadmin):
    sign_in(client, sysadmin)
    page = client.get("/calendar/").content.decode()
    assert BANNER in page
    assert "2004–2026" in page


@freeze_time("2026-11-23 10:00:00+08:00", tick=True)
def test_calendar_page_loads_a_year_from_the_textarea(client, sysadmin):
    sign_in(client, sysadmin)
    response = client.post(
        "/calendar/",
        {
            "year": "2027",
            "source": "国务院办公厅关于2027年部分节假日安排的通知",
            "days": "2027-01-01 休 元旦\n\n2027-01-02 班 元旦调休\n2027-02-08 休",
        },
    )
    assert response.status_code == 302
    assert CalendarYearOverride.objects.get(year=2027).source.startswith("国务院办公厅")
    assert list(HolidayOverride.objects.values_list("date", "is_workday", "name")) == [
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 1, 2), True, "元旦调休"),
        (D(2027, 2, 8), False, ""),
    ]
    event = AuditEvent.objects.get(action="core.calendar.year_loaded")
    assert event.actor_id == sysadmin.pk
    page = client.get("/calendar/").content.decode()
    assert BANNER not in page
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 2)


@pytest.mark.parametrize(
    ("days", "error"),
    [
        ("2027-01-01 休 元旦\n2027-01-02 上班", "第 2 行格式应为“日期 休/班 说明”。"),
        ("2027-13-01 休 元旦", "第 1 行的日期无效。"),
        ("2028-01-01 休 元旦", "日期 2028-01-01 不属于 2027 年"),
        (
            "2027-01-01 休 元旦\n2027-01-04 班\n2027-01-01 班 调休",
            "第 3 行的日期 2027-01-01 与第 1 行重复。",
        ),
        ("2027-01-01 休 " + "元" * 51, "第 1 行的说明超过 50 个字。"),
    ],
)
def test_calendar_page_reports_bad_lines(client, sysadmin, days, error):
    sign_in(client, sysadmin)
    response = client.post("/calendar/", {"year": "2027", "source": "通知", "days": days})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CalendarYearOverride.objects.exists()
    assert not HolidayOverride.objects.exists()


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.SECTION_CHIEF])
def test_calendar_page_is_for_the_system_admin_only(client, role):
    user = UserFactory(roles=[role])
    sign_in(client, user)
    assert client.get("/calendar/").status_code == 403
    assert client.post("/calendar/", {"year": "2027", "source": "x", "days": ""}).status_code == 403
    assert not CalendarYearOverride.objects.exists()
    denied = AuditEvent.objects.filter(action="core.access.denied").order_by("seq")
    assert [(e.actor_id, e.success, e.object_id) for e in denied] == [
        (user.pk, False, "/calendar/"),
        (user.pk, False, "/calendar/"),
    ]
