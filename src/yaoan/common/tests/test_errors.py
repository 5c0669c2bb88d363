"""yaoan.common.errors: the one helper that raises a coded error, and the codes several
apps share defined once across every app's enumeration."""

from __future__ import annotations

import importlib
import importlib.util
from collections import defaultdict

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from yaoan.common.errors import (
    ILLEGAL_TRANSITION,
    REASON_REQUIRED,
    ConflictCode,
    ErrorCode,
    StateConflict,
    TooLargeCode,
    invalid,
)


def _all_code_classes() -> list[type[ErrorCode]]:
    for config in apps.get_app_configs():
        enums = f"{config.name}.enums"
        if config.name.startswith("yaoan.") and importlib.util.find_spec(enums):
            importlib.import_module(enums)
    found, pending = [], [ErrorCode]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_invalid_on_a_field_keeps_the_code_member_and_the_message():
    error = invalid(REASON_REQUIRED, "请填写原因。", field="reason")
    [(field, [only])] = error.error_dict.items()
    assert field == "reason"
    assert only.code is REASON_REQUIRED
    assert only.message == "请填写原因。"


def test_invalid_without_a_field_is_about_the_whole_request():
    error = invalid(ILLEGAL_TRANSITION, "已提交，不能修改。")
    assert not hasattr(error, "error_dict")
    assert [(e.code, e.message) for e in error.error_list] == [
        (ILLEGAL_TRANSITION, "已提交，不能修改。")
    ]
    assert ValidationError(error.error_list).update_error_dict({}) == {
        NON_FIELD_ERRORS: error.error_list
    }


def test_invalid_without_a_message_says_the_codes_label():
    assert invalid(ILLEGAL_TRANSITION).messages == ["当前状态不允许此操作"]


def test_a_plain_string_code_is_accepted_for_djangos_own_codes():
    error = invalid("required", "请填写名称。", field="name")
    assert error.error_dict["name"][0].code == "required"


def test_kinds_are_told_by_class():
    assert isinstance(ILLEGAL_TRANSITION, ConflictCode)
    assert not isinstance(REASON_REQUIRED, ConflictCode | TooLargeCode)
    assert all(isinstance(code, ConflictCode) for code in StateConflict)


def test_every_code_is_defined_in_exactly_one_enumeration():
    owners: dict[str, list[str]] = defaultdict(list)
    for cls in _all_code_classes():
        for code in cls:
            owners[code.value].append(f"{cls.__module__}.{cls.__name__}")
    repeated = {code: where for code, where in owners.items() if len(where) > 1}
    assert repeated == {}
    assert owners["illegal_transition"] == ["yaoan.common.errors.StateConflict"]
    assert owners["reason_required"] == ["yaoan.common.errors.SharedError"]
    # the apps' own enumerations were found (the walk is not vacuous)
    assert {"duplicate_uscc", "empty_pool", "incomplete_checklist", "intake_duplicate"} <= set(
        owners
    )
