"""The inspection rules a plan is generated from — frequency rules and key-list rules —
and their defaults; atomic, permission-checked, audited like every writer of plans state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from yaoan.common.errors import (
    invalid,
)
from yaoan.core import audit
from yaoan.core.models import User
from yaoan.plans import defaults, keylist
from yaoan.plans.enums import (
    PlanError,
)
from yaoan.plans.models import (
    FREQUENCY_RULE_FIELDS,
    KEY_LIST_RULE_FIELDS,
    FrequencyRule,
    KeyListRule,
)
from yaoan.plans.services import require_manager, require_reason


def ensure_default_rules(*, actor: User, source: str = "seed") -> tuple[int, int]:
    """Install missing default rules (idempotent); one audit row when anything was added."""
    require_manager(actor)
    with transaction.atomic():
        created = defaults.seed_defaults(FrequencyRule, KeyListRule)
        if any(created):
            audit.record(
                "plans.rules.defaults_installed",
                actor=actor,
                object_type="plans.rules",
                reason=source,
                after={"frequency_rules": created[0], "key_list_rules": created[1]},
            )
    return created


def _clean_frequency_rule(rule: FrequencyRule) -> None:
    rule.source = (rule.source or "").strip()
    try:
        rule.full_clean()
    except ValidationError as exc:
        if "__all__" in getattr(exc, "message_dict", {}):
            raise invalid(PlanError.DUPLICATE_RULE, field="min_visits") from exc
        raise


@transaction.atomic
def create_frequency_rule(*, actor: User, data: Mapping[str, Any], reason: str) -> FrequencyRule:
    require_manager(actor)
    reason = require_reason(reason)
    rule = FrequencyRule(**{k: v for k, v in data.items() if k in FREQUENCY_RULE_FIELDS})
    _clean_frequency_rule(rule)
    rule.save()
    audit.record(
        "plans.frequency_rule.created",
        actor=actor,
        obj=rule,
        reason=reason,
        after=audit.snapshot(rule, FREQUENCY_RULE_FIELDS),
    )
    return rule


@transaction.atomic
def update_frequency_rule(
    *, actor: User, rule: FrequencyRule, data: Mapping[str, Any], reason: str
) -> FrequencyRule:
    require_manager(actor)
    reason = require_reason(reason)
    rule = FrequencyRule.objects.select_for_update().get(pk=rule.pk)
    before = audit.snapshot(rule, FREQUENCY_RULE_FIELDS)
    for key, value in data.items():
        if key in FREQUENCY_RULE_FIELDS:
            setattr(rule, key, value)
    _clean_frequency_rule(rule)
    rule.save()
    audit.record_update(
        "plans.frequency_rule.updated",
        actor=actor,
        obj=rule,
        before=before,
        after=audit.snapshot(rule, FREQUENCY_RULE_FIELDS),
        reason=reason,
    )
    return rule


@transaction.atomic
def delete_frequency_rule(*, actor: User, rule: FrequencyRule, reason: str) -> None:
    """Rules are configuration; the audit row keeps the deleted rule in full."""
    require_manager(actor)
    reason = require_reason(reason)
    before = audit.snapshot(rule, FREQUENCY_RULE_FIELDS)
    audit.record(
        "plans.frequency_rule.deleted", actor=actor, obj=rule, reason=reason, before=before
    )
    rule.delete()


@transaction.atomic
def update_key_list_rule(
    *, actor: User, rule: KeyListRule, data: Mapping[str, Any], reason: str
) -> KeyListRule:
    require_manager(actor)
    reason = require_reason(reason)
    rule = KeyListRule.objects.select_for_update().get(pk=rule.pk)
    before = audit.snapshot(rule, KEY_LIST_RULE_FIELDS)
    for key, value in data.items():
        if key in KEY_LIST_RULE_FIELDS:
            setattr(rule, key, value)
    problems = keylist.validate_parameters(rule.code, rule.parameters)
    if problems:
        raise ValidationError(
            {"parameters": [ValidationError(p, code=PlanError.BAD_PARAMETERS) for p in problems]}
        )
    rule.source = (rule.source or "").strip()
    rule.full_clean()
    rule.save()
    audit.record_update(
        "plans.key_list_rule.updated",
        actor=actor,
        obj=rule,
        before=before,
        after=audit.snapshot(rule, KEY_LIST_RULE_FIELDS),
        reason=reason,
    )
    return rule
