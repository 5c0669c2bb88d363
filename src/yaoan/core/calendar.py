"""Working days on the official Chinese calendar, with make-up workdays (调休).

The ``chinesecalendar`` package knows the years the State Council has published. For a
later year an administrator loads that year's schedule (CalendarYearOverride plus its
HolidayOverride rows). A date in a year that neither knows raises
CalendarYearUnknownError: a deadline is never silently counted on weekends alone (S20) —
unless the caller asks for a provisional count: then weekends plus the statutory holidays
the ``holidays`` package computes by rule decide, and the calendar remembers it was used
so the deadline is flagged 暂定 and recomputed when the official schedule is loaded.
Single days in HolidayOverride also correct the package for a known year.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
import holidays
from django.utils.translation import gettext as _

from yaoan.core.models import CalendarYearOverride, HolidayOverride


class CalendarYearUnknownError(Exception):
    """The working-day calendar has no official schedule for this year."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "工作日历尚未包含 %(year)s 年的法定节假日安排，"
                "请系统管理员导入该年度日历后再计算期限。"
            )
            % {"year": year}
        )


@lru_cache(maxsize=1)
def package_years() -> frozenset[int]:
    years = set()
    for year in range(2000, 2100):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


@lru_cache(maxsize=16)
def provisional_holidays(year: int) -> frozenset[dt.date]:
    """The statutory holidays (and observed days) of a year by rule, without the State
    Council's make-up workdays: a fallback for a year whose schedule is not published."""
    return frozenset(holidays.country_holidays("CN", years=year).keys())


class WorkingCalendar:
    """A snapshot of the overrides, so a long count makes two queries, not one per day.

    ``provisional=True`` counts a year without an official schedule by weekends and the
    statutory holidays; ``provisional_used`` then says whether such a year was touched."""

    def __init__(self, *, provisional: bool = False) -> None:
        self.override_years = set(CalendarYearOverride.objects.values_list("year", flat=True))
        self.overrides = dict(HolidayOverride.objects.values_list("date", "is_workday"))
        self.provisional = provisional
        self.provisional_used = False

    def is_official(self, year: int) -> bool:
        return year in self.override_years or year in package_years()

    def known_years(self) -> set[int]:
        return set(package_years()) | self.override_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.override_years:
            return day.weekday() < 5
        if day.year not in package_years():
            if not self.provisional:
                raise CalendarYearUnknownError(day.year)
            self.provisional_used = True
            return day.weekday() < 5 and day not in provisional_holidays(day.year)
        return bool(chinese_calendar.is_workday(day))

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (start itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        remaining = days
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    return WorkingCalendar().add_working_days(start, days)


def is_workday(day: dt.date) -> bool:
    return WorkingCalendar().is_workday(day)
