"""The only writers of plans state: atomic, permission-checked, audited. This module holds
the plan's generation (the plan ``computation`` gives, written) and its workflow; the rules
are in ``rule_services``, the changes to a plan's items in ``item_services``.

Every writer takes the acting user: a person, or a system actor (``core.actors``: the
``yaoan plan`` command runs as "plan-command", the demo loader as "demo") that holds the
section chief's role and passes the same checks. Submitting and approving a plan stays a
person's act.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.analytics.planning import PlannedItem, Reason
from yaoan.common.errors import (
    APPROVER_IS_SUBMITTER,
    ILLEGAL_TRANSITION,
    REASON_REQUIRED,
    invalid,
)
from yaoan.core import audit
from yaoan.core.actors import is_system_actor
from yaoan.core.enums import NotificationKind, Role
from yaoan.core.models import User
from yaoan.core.numbering import next_document_number
from yaoan.core.transitions import Notice, take
from yaoan.plans.computation import compute_plan
from yaoan.plans.enums import (
    OPEN_STATUSES,
    PlanAction,
    PlanError,
    PlanLock,
    PlanStatus,
)
from yaoan.plans.models import AnnualPlan, PlanItem, PlanItemChange
from yaoan.plans.queries import document_prefix
from yaoan.plans.rules import authored_plan, can_manage_plans, is_plan_approver, plan_approver_role
from yaoan.plans.workflow import PLAN

MIN_YEAR, MAX_YEAR = 2000, 2100
BULK_BATCH = 2000
ITEM_AUDIT_FIELDS = ("required_count", "q1", "q2", "q3", "q4", "station_id", "joint")


# --- preconditions --------------------------------------------------------------------------


def require_manager(actor: User) -> None:
    if not can_manage_plans(actor):
        raise PermissionDenied(_("只有股室负责人可以修改检查规则和年度清单。"))


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise invalid(REASON_REQUIRED, _("请填写修改原因。"), field="reason")
    return reason


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise invalid(
            PlanError.BAD_YEAR,
            _("年度须在 %(a)s 至 %(b)s 之间。") % {"a": MIN_YEAR, "b": MAX_YEAR},
            field="year",
        )


# --- generation -------------------------------------------------------------------------------


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
                codes_text(r.code for r in p.reasons),
                p.joint,
                p.frequency_rule_id,
                "",
            )
        )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BULK_BATCH):
            cursor.executemany(sql, rows[start : start + BULK_BATCH])


def codes_text(codes: Any) -> str:
    unique = list(dict.fromkeys(codes))
    return f",{','.join(unique)}," if unique else ""


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
    require_manager(actor)
    _check_year(year)
    open_plan = (
        AnnualPlan.objects.select_for_update().filter(year=year, status__in=OPEN_STATUSES).first()
    )
    if open_plan is not None and open_plan.status == PlanStatus.SUBMITTED:
        raise invalid(
            PlanLock.SUBMITTED_LOCKED,
            _("%(y)s年度第%(v)s版已提交审批，不能重新生成；请先退回修改。")
            % {"y": year, "v": open_plan.version},
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
    require_manager(actor)
    reason = require_reason(reason)
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.APPROVED:
        raise invalid(ILLEGAL_TRANSITION, _("只有已批准的版本可以修订。"))
    open_plan = AnnualPlan.objects.filter(year=plan.year, status__in=OPEN_STATUSES).first()
    if open_plan is not None:
        raise invalid(
            PlanLock.OPEN_VERSION_EXISTS,
            _("%(y)s年度已有未批准的第%(v)s版，请在该版本上修改。")
            % {"y": plan.year, "v": open_plan.version},
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


# --- workflow -------------------------------------------------------------------------------


def _has_items(plan: Any) -> str | None:
    # a list of plans annotates ``has_any_item`` (queries.plans_with_counts): no query a row
    known = getattr(plan, "has_any_item", None)
    if not (known if known is not None else PlanItem.objects.filter(plan=plan).exists()):
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
        raise invalid(
            APPROVER_IS_SUBMITTER,
            _("您生成或提交了这一版本，不能自己审批；请由另一位%(r)s审批。")
            % {"r": Role(plan_approver_role()).label},
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
