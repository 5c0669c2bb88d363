"""The baseline's admin: violation types, circumstances and credit rules, audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yaoan.cases.baseline_services import save_circumstance, save_credit_rule, save_violation
from yaoan.cases.models import Violation
from yaoan.core.models import AuditEvent

D = Decimal
NEW = {
    "code": "drug.test",
    "name": "测试违法行为",
    "product_class": "drug",
    "violated": "药品管理法 第五十三条第一款",
    "basis": "药品管理法 第一百二十六条",
    "kinds": ["warning", "fine", "fine"],
    "fine_basis": "fixed",
    "fine_minimum": D(1000),
    "fine_maximum": D(5000),
    "is_active": True,
}


def code_of(caught):
    field, errors = next(iter(caught.value.error_dict.items()))
    return errors[0].code, field


def test_new_violation_is_saved_and_audited(world):
    row = save_violation(actor=world.chief, data=NEW)
    assert (row.kinds, row.fine_maximum, row.updated_by) == (
        ["warning", "fine"],
        D(5000),
        world.chief,
    )
    assert AuditEvent.objects.get(action="cases.violation.created").after["code"] == "drug.test"
    save_violation(actor=world.chief, data={**NEW, "fine_maximum": D(8000)}, violation=row)
    change = AuditEvent.objects.get(action="cases.violation.changed")
    assert (change.before["fine_maximum"], change.after["fine_maximum"]) == ("5000.00", "8000.00")


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"fine_minimum": D(9000)}, "range_order", "fine_maximum"),
        ({"fine_basis": "none"}, "kind_not_for_target", "fine_basis"),
        ({"kinds": ["trade_ban"]}, "kind_not_for_target", "kinds"),
        ({"kinds": []}, "kind_not_for_target", "kinds"),
        ({"code": "drug.gsp"}, "duplicate_code", "code"),
    ],
)
def test_bad_violation_is_refused(world, data, code, field):
    with pytest.raises(ValidationError) as caught:
        save_violation(actor=world.chief, data={**NEW, **data})
    assert code_of(caught) == (code, field)
    assert not Violation.objects.filter(code="drug.test").exists()


def test_only_district_wide_keepers_edit(world):
    with pytest.raises(PermissionDenied):
        save_violation(actor=world.officer, data=NEW)
    with pytest.raises(PermissionDenied):
        save_violation(actor=world.station_chief, data=NEW)
    save_violation(actor=world.leader, data=NEW)


def test_circumstance_and_credit_rule(world):
    c = save_circumstance(
        actor=world.chief,
        data={
            "code": "x",
            "name": "测试情节",
            "effect": "lighter",
            "basis": "测试",
            "product_class": "",
        },
    )
    assert c.effect == "lighter"
    with pytest.raises(ValidationError) as caught:
        save_credit_rule(
            actor=world.chief,
            data={
                "condition": "fine_at_least",
                "threshold": None,
                "credit_class": "C",
                "name": "x",
            },
        )
    assert code_of(caught) == ("amount_required", "threshold")
    rule = save_credit_rule(
        actor=world.chief,
        data={
            "condition": "fine_at_least",
            "threshold": D(50000),
            "credit_class": "B",
            "name": "五万",
        },
    )
    assert AuditEvent.objects.filter(
        action="cases.creditrule.created", object_id=str(rule.pk)
    ).exists()
