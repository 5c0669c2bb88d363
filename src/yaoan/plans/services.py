"""The only writers of plans state: atomic, permission-checked, audited.

Every writer takes the acting user: a person, or a system actor (``core.actors``: the
``yaoan plan`` command runs as "plan-command", the demo loader as "demo") that holds the
section chief's role and passes the same checks. Submitting and approving a plan stays a
person's act.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.analytics.planning import (
    EntityRecord,
    FrequencyRuleSpec,
    KeyListOutcome,
    PlannedItem,
    Reason,
    build_plan,
    place_remainder,
    select_joint,
)
from yaoan.core import audit
from yaoan.core.actors import is_system_actor
from yaoan.core.enums import NotificationKind, OrgUnitKind, Role
from yaoan.core.models import OrgUnit, User
from yaoan.core.numbering import next_document_number
from yaoan.core.transitions import Notice, take
from yaoan.plans import defaults, keylist, workflow
from yaoan.plans.enums import (
    MANUAL_REASON,
    OPEN_STATUSES,
    ItemChangeKind,
    KeyListCode,
    PlanAction,
    PlanError,
    PlanStatus,
)
from yaoan.plans.models import (
    FREQUENCY_RULE_FIELDS,
    KEY_LIST_RULE_FIELDS,
    MAX_VISITS,
    AnnualPlan,
    FrequencyRule,
    KeyListRule,
    PlanItem,
    PlanItemChange,
)
from yaoan.plans.queries import document_prefix, key_list_share
from yaoan.plans.rules import authored_plan, can_manage_plans, is_plan_approver, plan_approver_role
from yaoan.plans.workflow import PLAN
from yaoan.registry.models import Entity

MIN_YEAR, MAX_YEAR = 2000, 2100
BULK_BATCH = 2000
ITEM_AUDIT_FIELDS = ("required_count", "q1", "q2", "q3", "q4", "station_id", "joint")


# --- preconditions --------------------------------------------------------------------------


def _require_manager(actor: User) -> None:
    if not can_manage_plans(actor):
        raise PermissionDenied(_("只有股室负责人可以修改检查规则和年度清单。"))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("请填写修改原因。"), code=PlanError.REASON_REQUIRED)}
        )
    return reason


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {
                "year": ValidationError(
                    _("年度须在 %(a)s 至 %(b)s 之间。") % {"a": MIN_YEAR, "b": MAX_YEAR},
                    code=PlanError.BAD_YEAR,
                )
            }
        )


def _invalid(field: str | None, message: str, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


# --- rules ------------------------------------------------------------------------------------


def ensure_default_rules(*, actor: User, source: str = "seed") -> tuple[int, int]:
    """Install missing default rules (idempotent); one audit row when anything was added."""
    _require_manager(actor)
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
            raise _invalid(
                "min_visits", str(PlanError.DUPLICATE_RULE.label), PlanError.DUPLICATE_RULE
            ) from exc
        raise


@transaction.atomic
def create_frequency_rule(*, actor: User, data: Mapping[str, Any], reason: str) -> FrequencyRule:
    _require_manager(actor)
    reason = _require_reason(reason)
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
    _require_manager(actor)
    reason = _require_reason(reason)
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
    _require_manager(actor)
    reason = _require_reason(reason)
    before = audit.snapshot(rule, FREQUENCY_RULE_FIELDS)
    audit.record(
        "plans.frequency_rule.deleted", actor=actor, obj=rule, reason=reason, before=before
    )
    rule.delete()


@transaction.atomic
def update_key_list_rule(
    *, actor: User, rule: KeyListRule, data: Mapping[str, Any], reason: str
) -> KeyListRule:
    _require_manager(actor)
    reason = _require_reason(reason)
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


# --- generation -------------------------------------------------------------------------------


def _frequency_specs(rules: Sequence[FrequencyRule]) -> list[FrequencyRuleSpec]:
    return [
        FrequencyRuleSpec(
            rule_id=r.pk,
            entity_type=r.entity_type,
            risk_grade=r.risk_grade,
            credit_class=r.credit_class,
            min_visits=r.min_visits,
            label=_("频次规则（%(c)s）：每年至少%(n)s次")
            % {"c": r.condition_label, "n": r.min_visits},
        )
        for r in rules
    ]


def _entity_records() -> dict[int, EntityRecord]:
    rows = (
        keylist.live_entities()
        .order_by()
        .values_list("id", "entity_type", "subdistrict__station_id", "risk_grade", "credit_class")
    )
    return {
        r[0]: EntityRecord(r[0], r[1], r[2], r[3], r[4]) for r in rows.iterator(chunk_size=5000)
    }


def _rule_outcome(
    rule: KeyListRule, year: int, records: Mapping[int, EntityRecord]
) -> tuple[KeyListOutcome | None, frozenset[int]]:
    """The entities a rule selects (only live ones), and for the joint rule its choice."""
    label = rule.label
    if rule.code in keylist.BUILTIN_SELECTORS:
        selected = keylist.select(rule, year).order_by()
        if rule.code == KeyListCode.VACCINE_JOINT:
            candidates = selected.values_list("pk", "risk_grade")
            chosen = select_joint(candidates, share=key_list_share(rule), year=year)
            return KeyListOutcome(
                rule.code, rule.min_visits, dict.fromkeys(chosen, label)
            ), frozenset(chosen)
        ids = selected.values_list("pk", flat=True)
        return KeyListOutcome(rule.code, rule.min_visits, dict.fromkeys(ids, label)), frozenset()
    source = keylist.external_source(rule.code, rule.parameters)
    if source is None:
        return None, frozenset()
    hits = {
        int(pk): f"{label}：{text}" if text else label
        for pk, text in source(year).items()
        if int(pk) in records
    }
    return KeyListOutcome(rule.code, rule.min_visits, hits), frozenset()


def _rules_snapshot(
    frequency: Sequence[FrequencyRule], key_rules: Sequence[KeyListRule], entities: int
) -> dict[str, Any]:
    return {
        "entities": entities,
        "frequency": [
            {
                "id": r.pk,
                "entity_type": r.entity_type,
                "risk_grade": r.risk_grade,
                "credit_class": r.credit_class,
                "min_visits": r.min_visits,
            }
            for r in frequency
        ],
        "key_list": [
            {
                "code": r.code,
                "label": r.label,
                "enabled": r.enabled,
                "min_visits": r.min_visits,
                "parameters": r.parameters,
                "connected": keylist.is_connected(r.code),
            }
            for r in key_rules
        ],
    }


ITEM_COLUMNS = (
    "plan_id",
    "entity_id",
    "station_id",
    "required_count",
    "q1",
    "q2",
    "q3",
    "q4",
    "reasons",
    "reason_codes",
    "joint",
    "frequency_rule_id",
    "edited_note",
)


def _insert_items(plan: AnnualPlan, planned: Sequence[PlannedItem]) -> None:
    """INSERT with executemany: what bulk_create does without building a model instance
    and preparing every field of every row (the slowest part of generation at 50,000
    entities). The reasons' JSON is prepared once per distinct list — a district has only
    a few hundred — through the field itself, so every database gets its own JSON form."""
    meta = PlanItem._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    reasons_field = fields["reasons"]
    qn = connection.ops.quote_name
    columns = [str(fields[name].column) for name in ITEM_COLUMNS]
    # identifiers come from the model and are quoted; values are parameters
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(meta.db_table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    prepared: dict[tuple[Reason, ...], Any] = {}
    rows = []
    for p in planned:
        if p.reasons not in prepared:
            value = [{"code": r.code, "text": r.text} for r in p.reasons]
            prepared[p.reasons] = reasons_field.get_db_prep_save(value, connection)
        q = p.quarters
        rows.append(
            (
                plan.pk,
                p.entity_id,
                p.station_id,
                p.required,
                q[0],
                q[1],
                q[2],
                q[3],
                prepared[p.reasons],
                _codes(r.code for r in p.reasons),
                p.joint,
                p.frequency_rule_id,
                "",
            )
        )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BULK_BATCH):
            cursor.executemany(sql, rows[start : start + BULK_BATCH])


def _codes(codes: Any) -> str:
    unique = list(dict.fromkeys(codes))
    return f",{','.join(unique)}," if unique else ""


def compute_plan(year: int) -> tuple[list[PlannedItem], dict[str, Any]]:
    """The plan the current rules and registry give for ``year``, without writing it."""
    frequency = list(FrequencyRule.objects.all())
    key_rules = list(KeyListRule.objects.all())
    records = _entity_records()
    outcomes: list[KeyListOutcome] = []
    joint_ids: frozenset[int] = frozenset()
    for rule in key_rules:
        if not rule.enabled:
            continue
        outcome, chosen = _rule_outcome(rule, year, records)
        if outcome is not None:
            outcomes.append(outcome)
            joint_ids |= chosen
    planned = build_plan(records.values(), _frequency_specs(frequency), outcomes, joint_ids)
    return planned, _rules_snapshot(frequency, key_rules, len(records))


def _next_version(year: int) -> int:
    return (AnnualPlan.objects.filter(year=year).aggregate(v=Max("version"))["v"] or 0) + 1


def _clear_items(plan: AnnualPlan) -> int:
    PlanItemChange.objects.filter(plan=plan, item__isnull=False).update(item=None)
    deleted, _by_model = PlanItem.objects.filter(plan=plan).delete()
    return deleted


@transaction.atomic
def generate_plan(*, year: int, actor: User, note: str = "", source: str = "web") -> AnnualPlan:
    """A draft of the year's plan from the current rules and registry. Regenerating while a
    draft exists replaces that draft's items; a submitted version must be returned first;
    an approved version is never touched (the result is a new draft version)."""
    _require_manager(actor)
    _check_year(year)
    open_plan = (
        AnnualPlan.objects.select_for_update().filter(year=year, status__in=OPEN_STATUSES).first()
    )
    if open_plan is not None and open_plan.status == PlanStatus.SUBMITTED:
        raise _invalid(
            None,
            _("%(y)s年度第%(v)s版已提交审批，不能重新生成；请先退回修改。")
            % {"y": year, "v": open_plan.version},
            PlanError.SUBMITTED_LOCKED,
        )
    planned, snapshot = compute_plan(year)
    now = timezone.now()
    replaced = 0
    if open_plan is None:
        approved = AnnualPlan.objects.filter(year=year, status=PlanStatus.APPROVED).first()
        plan = AnnualPlan.objects.create(
            year=year,
            version=_next_version(year),
            based_on=approved,
            generated_at=now,
            generated_by=actor,
            rules_snapshot=snapshot,
            note=note,
        )
        action = "plans.plan.generated"
    else:
        plan = open_plan
        replaced = _clear_items(plan)
        plan.generated_at, plan.generated_by = now, actor
        plan.rules_snapshot, plan.note = snapshot, note or plan.note
        plan.save(update_fields=["generated_at", "generated_by", "rules_snapshot", "note"])
        action = "plans.plan.regenerated"
    _insert_items(plan, planned)
    audit.record(
        action,
        obj=plan,
        reason=note or source,
        before={"items": replaced} if replaced else None,
        after={
            "year": year,
            "version": plan.version,
            "items": len(planned),
            "visits": sum(p.required for p in planned),
            "joint": sum(p.joint for p in planned),
            "not_connected": [
                r["code"] for r in snapshot["key_list"] if r["enabled"] and not r["connected"]
            ],
        },
        actor=actor,
    )
    return plan


@transaction.atomic
def start_revision(*, actor: User, plan: AnnualPlan, reason: str) -> AnnualPlan:
    """A new draft version copied from an approved plan, which stays as it is until the new
    version is approved."""
    _require_manager(actor)
    reason = _require_reason(reason)
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.APPROVED:
        raise _invalid(None, _("只有已批准的版本可以修订。"), PlanError.ILLEGAL_TRANSITION)
    open_plan = AnnualPlan.objects.filter(year=plan.year, status__in=OPEN_STATUSES).first()
    if open_plan is not None:
        raise _invalid(
            None,
            _("%(y)s年度已有未批准的第%(v)s版，请在该版本上修改。")
            % {"y": plan.year, "v": open_plan.version},
            PlanError.OPEN_VERSION_EXISTS,
        )
    draft = AnnualPlan.objects.create(
        year=plan.year,
        version=_next_version(plan.year),
        based_on=plan,
        generated_at=timezone.now(),
        generated_by=actor,
        rules_snapshot=plan.rules_snapshot,
        note=reason,
    )
    copies = []
    for item in PlanItem.objects.filter(plan=plan).iterator(chunk_size=5000):
        item.pk, item.plan = None, draft
        copies.append(item)
    PlanItem.objects.bulk_create(copies, batch_size=BULK_BATCH)
    audit.record(
        "plans.plan.revision_started",
        obj=draft,
        reason=reason,
        after={"based_on": plan.pk, "version": draft.version, "items": len(copies)},
        actor=actor,
    )
    return draft


# --- item edits -------------------------------------------------------------------------------


def _editable_plan(plan: AnnualPlan, actor: User, reason: str) -> AnnualPlan:
    """The plan an edit goes to: the draft itself, or a new draft version of an approved plan."""
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status in workflow.EDITABLE:
        return plan
    if plan.status == PlanStatus.APPROVED:
        return start_revision(actor=actor, plan=plan, reason=reason)
    if plan.status == PlanStatus.SUBMITTED:
        raise _invalid(None, str(PlanError.SUBMITTED_LOCKED.label), PlanError.SUBMITTED_LOCKED)
    raise _invalid(None, str(PlanError.SUPERSEDED_LOCKED.label), PlanError.SUPERSEDED_LOCKED)


def _spread_one(plan: AnnualPlan, station_id: int, count: int, exclude: int | None) -> list[int]:
    """Quarters for one item with ``count`` visits, on top of its station's other items."""
    others = PlanItem.objects.filter(plan=plan, station_id=station_id)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    sums = others.aggregate(a=Sum("q1"), b=Sum("q2"), c=Sum("q3"), d=Sum("q4"))
    loads = [sums["a"] or 0, sums["b"] or 0, sums["c"] or 0, sums["d"] or 0]
    base, remainder = divmod(count, 4)
    counts = [base] * 4
    for q in place_remainder(loads, remainder):
        counts[q] += 1
    return counts


def _check_counts(count: int, quarters: Sequence[int]) -> None:
    if not 1 <= count <= MAX_VISITS:
        raise _invalid(
            "required_count",
            _("检查次数须在 1 至 %(n)s 之间；不再检查请移出清单。") % {"n": MAX_VISITS},
            "invalid",
        )
    if len(quarters) != 4 or any(q < 0 for q in quarters) or sum(quarters) != count:
        raise _invalid(
            "quarters",
            _("各季度次数之和（%(s)s）须等于检查次数（%(n)s）。")
            % {"s": sum(quarters), "n": count},
            PlanError.QUARTERS_MISMATCH,
        )


def _station(station: OrgUnit | int) -> OrgUnit:
    found = OrgUnit.objects.filter(
        pk=station.pk if isinstance(station, OrgUnit) else station, kind=OrgUnitKind.STATION
    ).first()
    if found is None:
        raise _invalid("station", _("负责所须为市场监管所。"), "invalid")
    return found


def _record_change(
    *,
    actor: User,
    item: PlanItem,
    kind: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
) -> None:
    PlanItemChange.objects.create(
        plan_id=item.plan_id,
        item=item if kind != ItemChangeKind.REMOVED else None,
        entity_id=item.entity_id,
        kind=kind,
        before=before,
        after=after,
        reason=reason,
        changed_by=actor,
        changed_at=timezone.now(),
    )
    audit.record(
        f"plans.item.{kind}",
        obj=item.plan,
        object_id=str(item.plan_id),
        reason=reason,
        before={"entity_id": item.entity_id, **(before or {})},
        after={"entity_id": item.entity_id, **(after or {})},
        actor=actor,
    )


@transaction.atomic
def edit_item(
    *,
    actor: User,
    item: PlanItem,
    reason: str,
    required_count: int | None = None,
    quarters: Sequence[int] | None = None,
    station: OrgUnit | int | None = None,
    joint: bool | None = None,
) -> PlanItem:
    """Change an item's count, quarters, station or joint flag, with a reason. On an approved
    plan the change goes to a new draft version; the returned item is the edited one."""
    _require_manager(actor)
    reason = _require_reason(reason)
    plan = _editable_plan(item.plan, actor, reason)
    item = PlanItem.objects.select_for_update().get(plan=plan, entity_id=item.entity_id)
    before = audit.snapshot(item, ITEM_AUDIT_FIELDS)
    if station is not None:
        item.station = _station(station)
    count = item.required_count if required_count is None else int(required_count)
    if quarters is None:
        quarters = (
            item.quarters
            if count == item.required_count and station is None
            else _spread_one(plan, item.station_id, count, item.pk)
        )
    quarters = [int(q) for q in quarters]
    _check_counts(count, quarters)
    item.required_count = count
    item.q1, item.q2, item.q3, item.q4 = quarters
    if joint is not None:
        item.joint = bool(joint)
    after = audit.snapshot(item, ITEM_AUDIT_FIELDS)
    changed = audit.changed_fields(before, after)
    if not changed:
        return item
    item.edited_note = reason
    item.save()
    _record_change(
        actor=actor,
        item=item,
        kind=ItemChangeKind.EDITED,
        before={k: before[k] for k in changed},
        after=changed,
        reason=reason,
    )
    return item


@transaction.atomic
def add_item(
    *,
    actor: User,
    plan: AnnualPlan,
    entity: Entity,
    reason: str,
    required_count: int = 1,
    quarters: Sequence[int] | None = None,
    joint: bool = False,
) -> PlanItem:
    _require_manager(actor)
    reason = _require_reason(reason)
    plan = _editable_plan(plan, actor, reason)
    entity = Entity.objects.select_related("subdistrict").get(pk=entity.pk)
    if not keylist.live_entities().filter(pk=entity.pk).exists():
        raise _invalid("entity", str(PlanError.ENTITY_NOT_LIVE.label), PlanError.ENTITY_NOT_LIVE)
    if PlanItem.objects.filter(plan=plan, entity=entity).exists():
        raise _invalid("entity", str(PlanError.DUPLICATE_ENTITY.label), PlanError.DUPLICATE_ENTITY)
    station_id = entity.subdistrict.station_id
    counts = (
        list(quarters)
        if quarters is not None
        else _spread_one(plan, station_id, required_count, None)
    )
    _check_counts(required_count, counts)
    item = PlanItem(
        plan=plan,
        entity=entity,
        station_id=station_id,
        required_count=required_count,
        q1=counts[0],
        q2=counts[1],
        q3=counts[2],
        q4=counts[3],
        reasons=[{"code": MANUAL_REASON, "text": _("人工增加：%(r)s") % {"r": reason}}],
        reason_codes=_codes([MANUAL_REASON]),
        joint=joint,
        edited_note=reason,
    )
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise _invalid(
            "entity", str(PlanError.DUPLICATE_ENTITY.label), PlanError.DUPLICATE_ENTITY
        ) from exc
    _record_change(
        actor=actor,
        item=item,
        kind=ItemChangeKind.ADDED,
        before=None,
        after=audit.snapshot(item, ITEM_AUDIT_FIELDS),
        reason=reason,
    )
    return item


@transaction.atomic
def remove_item(*, actor: User, item: PlanItem, reason: str) -> AnnualPlan:
    """Take an entity off the list (the history keeps it); returns the plan it left."""
    _require_manager(actor)
    reason = _require_reason(reason)
    plan = _editable_plan(item.plan, actor, reason)
    item = PlanItem.objects.select_for_update().get(plan=plan, entity_id=item.entity_id)
    before = {
        **audit.snapshot(item, ITEM_AUDIT_FIELDS),
        "reasons": [r.get("code") for r in item.reasons],
    }
    _record_change(
        actor=actor,
        item=item,
        kind=ItemChangeKind.REMOVED,
        before=before,
        after=None,
        reason=reason,
    )
    item.delete()
    return plan


# --- workflow -------------------------------------------------------------------------------


def _has_items(plan: Any) -> str | None:
    if not PlanItem.objects.filter(plan=plan).exists():
        return _("清单没有任何对象，不能提交。")
    return None


PLAN_GUARDS = {"has_items": _has_items}


def _supersede_previous(plan: AnnualPlan, actor: User) -> None:
    olds = AnnualPlan.objects.filter(year=plan.year, status=PlanStatus.APPROVED).exclude(pk=plan.pk)
    for old in olds:

        def superseded(locked: Any) -> list[str]:
            locked.superseded_at = timezone.now()
            return ["superseded_at"]

        take(
            PLAN,
            old,
            PlanAction.SUPERSEDE,
            actor=actor,
            update=superseded,
            details={"by": plan.pk},
        )


def _notices(plan: AnnualPlan, action: str) -> list[Notice]:
    """Submitted: the approvers are asked; approved or returned: the author is told."""
    link = plan.get_absolute_url()
    title = str(plan)
    if action == PlanAction.SUBMIT:
        approvers = (
            User.objects.people()
            .filter(is_active=True, role_assignments__role=plan_approver_role())
            .distinct()
        )
        return [
            Notice(
                u, NotificationKind.APPROVAL_REQUESTED, _("待您审批：%(p)s") % {"p": title}, link
            )
            for u in approvers
        ]
    kind = NotificationKind.APPROVED if action == PlanAction.APPROVE else NotificationKind.RETURNED
    text = _("已批准：%(p)s") if action == PlanAction.APPROVE else _("退回修改：%(p)s")
    authors = {u.pk: u for u in (plan.generated_by, plan.submitted_by) if u is not None}
    return [Notice(u, kind, text % {"p": title}, link) for u in authors.values()]


def transition_plan(*, actor: User, plan: AnnualPlan, action: str, reason: str = "") -> AnnualPlan:
    """Submit, approve or return a plan version (workflow.PLAN). Approving supersedes the
    year's approved version and gives the plan its 文号."""
    if is_system_actor(actor):
        raise PermissionDenied(_("年度清单的提交和审批须由具体人员办理。"))
    if action == PlanAction.SUPERSEDE:
        action = "supersede_by_hand"  # only an approval supersedes: not in the table by hand
    if action != PlanAction.SUBMIT and is_plan_approver(actor) and authored_plan(actor, plan):
        raise _invalid(
            None,
            _("您生成或提交了这一版本，不能自己审批；请由另一位%(r)s审批。")
            % {"r": Role(plan_approver_role()).label},
            PlanError.APPROVER_IS_SUBMITTER,
        )

    def update(locked: Any) -> list[str]:
        now = timezone.now()
        if action == PlanAction.SUBMIT:
            locked.submitted_at, locked.submitted_by = now, actor
            return ["submitted_at", "submitted_by"]
        if action == PlanAction.APPROVE:
            _supersede_previous(locked, actor)
            locked.approved_at, locked.approved_by = now, actor
            locked.document_number = next_document_number(document_prefix(), locked.year)
            return ["approved_at", "approved_by", "document_number"]
        return []

    done = take(
        PLAN,
        plan,
        action,
        actor=actor,
        reason=reason,
        guards=PLAN_GUARDS,
        update=update,
        notify=_notices(plan, action) if action in PlanAction.values else (),
    )
    assert isinstance(done, AnnualPlan)
    return done


def submit_plan(*, actor: User, plan: AnnualPlan) -> AnnualPlan:
    return transition_plan(actor=actor, plan=plan, action=PlanAction.SUBMIT)


def approve_plan(*, actor: User, plan: AnnualPlan, reason: str = "") -> AnnualPlan:
    return transition_plan(actor=actor, plan=plan, action=PlanAction.APPROVE, reason=reason)


def return_plan(*, actor: User, plan: AnnualPlan, reason: str) -> AnnualPlan:
    return transition_plan(actor=actor, plan=plan, action=PlanAction.RETURN, reason=reason)


def record_export(*, actor: User, plan: AnnualPlan, file_format: str, items: int) -> None:
    with transaction.atomic():
        audit.record(
            "plans.plan.exported",
            actor=actor,
            obj=plan,
            after={"format": file_format, "items": items},
        )
