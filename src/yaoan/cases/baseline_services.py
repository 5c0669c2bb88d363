"""The writers of the discretion baseline (裁量基准) and the credit rule: the administrator
adds or changes a violation type, a circumstance or a credit rule; each change is audited
with before and after. Rows are switched off, never deleted: assessments keep pointing at
the row they were made with (and keep their own copy of the suggestion)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.models import Circumstance, CreditRule, Violation
from yaoan.cases.penalty_enums import CreditCondition, FineBasis, PenaltyError, PenaltyKind
from yaoan.cases.penalty_rules import can_edit_baseline
from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.core.models import User

M = TypeVar("M", bound=models.Model)
VIOLATION_FIELDS = (
    "code", "name", "product_class", "violated", "basis", "kinds", "fine_basis",
    "fine_minimum", "fine_maximum", "fine_floor", "small_below", "small_minimum",
    "small_maximum", "person_applies", "person_fine_basis", "person_fine_minimum",
    "person_fine_maximum", "ban_years", "ban_for_life", "is_active",
)  # fmt: skip
CIRCUMSTANCE_FIELDS = ("code", "name", "effect", "basis", "product_class", "is_active")
CREDIT_RULE_FIELDS = ("condition", "threshold", "credit_class", "name", "is_active")


def _require_keeper(actor: User) -> None:
    if not can_edit_baseline(actor):
        raise PermissionDenied(_("您无权维护裁量基准"))


def _ordered(low: Decimal, high: Decimal, name: str) -> None:
    if low < 0 or high < 0:
        raise invalid(PenaltyError.RANGE_ORDER, _("金额或倍数不能为负数"), name)
    if low > high:
        raise invalid(PenaltyError.RANGE_ORDER, field=name)


def _check_violation(row: Violation) -> None:
    unknown = [k for k in row.kinds if k not in PenaltyKind.values or k == PenaltyKind.TRADE_BAN]
    if not row.kinds or unknown:
        raise invalid(PenaltyError.KIND_NOT_FOR_TARGET, _("请选择单位的处罚种类"), "kinds")
    has_fine = row.fine_basis != FineBasis.NONE
    if has_fine != (PenaltyKind.FINE in row.kinds):
        raise invalid(
            PenaltyError.KIND_NOT_FOR_TARGET,
            _("处罚种类含罚款时须设定罚款计算方式，反之亦然"),
            "fine_basis",
        )
    if row.fine_basis == FineBasis.PERSON_INCOME:
        raise invalid(PenaltyError.KIND_NOT_FOR_TARGET, field="fine_basis")
    _ordered(row.fine_minimum, row.fine_maximum, "fine_maximum")
    if has_fine and row.fine_maximum <= 0:
        raise invalid(PenaltyError.RANGE_ORDER, _("罚款上限须大于0"), "fine_maximum")
    if row.small_below is not None:
        _ordered(row.small_minimum, row.small_maximum, "small_maximum")
    _ordered(row.person_fine_minimum, row.person_fine_maximum, "person_fine_maximum")
    if row.ban_for_life and row.ban_years:
        raise invalid(PenaltyError.TERM_REQUIRED, _("终身禁业时不填年限"), "ban_years")


def _save(
    actor: User,
    row: M,
    data: Mapping[str, Any],
    fields: tuple[str, ...],
    noun: str,
    check: Callable[[M], None] | None = None,
) -> M:
    created = row.pk is None
    before = None if created else audit.snapshot(row, fields)
    for name in fields:
        if name in data:
            setattr(row, name, data[name])
    if check is not None:
        check(row)
    if isinstance(row, Violation | Circumstance):
        if type(row).objects.filter(code=row.code).exclude(pk=row.pk).exists():
            raise invalid(PenaltyError.DUPLICATE_CODE, field="code")
        row.updated_by = actor
        row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    row.refresh_from_db()  # the stored values (decimals to their places) for the audit
    after = audit.snapshot(row, fields)
    if created:
        audit.record(f"cases.{noun}.created", actor=actor, obj=row, after=after)
    else:
        assert before is not None
        audit.record_update(
            f"cases.{noun}.changed", actor=actor, obj=row, before=before, after=after
        )
    return row


@transaction.atomic
def save_violation(
    *, actor: User, data: Mapping[str, Any], violation: Violation | None = None
) -> Violation:
    _require_keeper(actor)
    fresh = Violation.objects.get(pk=violation.pk) if violation else Violation()
    values = dict(data)
    if "kinds" in values:
        values["kinds"] = list(dict.fromkeys(values["kinds"]))
    return _save(actor, fresh, values, VIOLATION_FIELDS, "violation", _check_violation)


@transaction.atomic
def save_circumstance(
    *, actor: User, data: Mapping[str, Any], circumstance: Circumstance | None = None
) -> Circumstance:
    _require_keeper(actor)
    fresh = Circumstance.objects.get(pk=circumstance.pk) if circumstance else Circumstance()
    return _save(actor, fresh, data, CIRCUMSTANCE_FIELDS, "circumstance")


@transaction.atomic
def save_credit_rule(
    *, actor: User, data: Mapping[str, Any], rule: CreditRule | None = None
) -> CreditRule:
    _require_keeper(actor)
    if data.get("condition") == CreditCondition.FINE_AT_LEAST and not data.get("threshold"):
        raise invalid(PenaltyError.AMOUNT_REQUIRED, field="threshold")
    fresh = CreditRule.objects.get(pk=rule.pk) if rule else CreditRule()
    return _save(actor, fresh, data, CREDIT_RULE_FIELDS, "creditrule")
