"""The working calendar and the deadline rules, the system administrator's (工作日历): one
year's official holidays and make-up workdays loaded (every provisional deadline then
recomputed), a rule's amount or unit changed; atomic and audited with the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yaoan.core import audit
from yaoan.core.deadlines import recompute_provisional
from yaoan.core.models import CalendarYearOverride, DeadlineRule, HolidayOverride, User
from yaoan.core.rules import can_manage_calendar


@transaction.atomic
def load_calendar_year(
    *, actor: User, year: int, source: str, days: Iterable[tuple[dt.date, bool, str]]
) -> CalendarYearOverride:
    """Load one year's official holidays and make-up workdays, replacing any earlier load;
    every deadline counted provisionally is recomputed on the official calendar."""
    if not can_manage_calendar(actor):
        raise PermissionDenied(_("只有系统管理员可以载入工作日历。"))
    days = list(days)
    for day, _is_workday, _name in days:
        if day.year != year:
            raise ValidationError(
                _("日期 %(day)s 不属于 %(year)s 年") % {"day": day, "year": year}, code="year"
            )
    HolidayOverride.objects.filter(date__year=year).delete()
    HolidayOverride.objects.bulk_create(
        [HolidayOverride(date=d, is_workday=w, name=n) for d, w, n in days]
    )
    year_row, _created = CalendarYearOverride.objects.update_or_create(
        year=year, defaults={"source": source}
    )
    audit.record(
        "core.calendar.year_loaded",
        actor=actor,
        obj=year_row,
        reason=source,
        after={"year": year, "days": [[d.isoformat(), w, n] for d, w, n in days]},
    )
    recompute_provisional(actor=actor)
    return year_row


@transaction.atomic
def update_deadline_rule(
    *, actor: User, rule: DeadlineRule, amount: int, unit: str, reason: str
) -> None:
    if not can_manage_calendar(actor):
        raise PermissionDenied(_("只有系统管理员可以修改期限规则。"))
    before = audit.snapshot(rule, ["amount", "unit"])
    rule.amount, rule.unit = amount, unit
    rule.full_clean()
    rule.save(update_fields=["amount", "unit"])
    audit.record(
        "core.deadline_rule.changed",
        actor=actor,
        obj=rule,
        before=before,
        after=audit.snapshot(rule, ["amount", "unit"]),
        reason=reason,
    )
