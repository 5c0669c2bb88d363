"""The only writers of draws: commit, execute, redraw, re-verify (inspector profiles,
qualifications and conflicts are the staff app's: ``yaoan.staff.services``; what the chief
asks for and its checks are in ``specs``, the frozen pools in ``pools``). Each is one
transaction with its audit record: a draw is never half-created, and a drawn draw is never
silently redone.

Inspectors enter a draw's published inputs under per-draw pseudonymous codes
(``yaoan.analytics.draws.pseudonyms``): HMAC-SM3 keyed with a key derived from SECRET_KEY
over the draw's id, a random salt that is not kept, and the user id. Only
``Draw.inspector_refs`` maps a code back to a person, so a badge number, shown to every
business an inspector visits, is never tied in public to where they live or whom they are
related to."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.analytics.draws import (
    Assignment,
    DrawInputError,
    DrawInputs,
    VerifyReport,
    check_feasible,
    commit,
    make_inputs,
    run,
)
from yaoan.common.errors import ILLEGAL_TRANSITION, INVALID, invalid
from yaoan.core import audit
from yaoan.core.models import OrgUnit, User
from yaoan.core.transitions import take
from yaoan.draws.enums import AvoidanceRule, DrawError
from yaoan.draws.extensions import last_inspectors_provider
from yaoan.draws.messages import describe_input_error
from yaoan.draws.models import Draw, DrawAssignment
from yaoan.draws.pools import _candidates, _frozen_entities, _pairs, _pseudonymise
from yaoan.draws.queries import check_draw, draws_visible_to
from yaoan.draws.rules import can_manage_draws, can_read_draws
from yaoan.draws.specs import DrawSpec, _check_spec, visit_period
from yaoan.draws.workflow import DRAW
from yaoan.staff.models import InspectorConflict

DRAW_AUDIT_FIELDS = [
    "title",
    "kind",
    "partner_unit_id",
    "pool_filters",
    "selection_mode",
    "selection_value",
    "inspectors_per_entity",
    "visits_from",
    "visits_until",
    "avoid_grid",
    "avoid_conflict",
    "avoid_last_inspection",
    "last_inspection_data",
    "commitment",
    "pool_size",
    "inspector_pool_size",
    "sample_size",
    "status",
    "redraw_of_id",
]


def _require_manager(actor: User) -> None:
    if not can_manage_draws(actor):
        raise PermissionDenied(_("只有股室负责人可以发起、执行或重新抽取。"))


# --- draws ------------------------------------------------------------------------------------


@transaction.atomic
def commit_draw(
    *, actor: User, spec: DrawSpec, redraw_of: Draw | None = None, reason: str = ""
) -> Draw:
    """Freeze the pools and rules, choose a secret seed and publish the commitment."""
    _require_manager(actor)
    unit = actor.org_unit
    if unit is None:
        raise PermissionDenied(_("发起抽取须属于一个单位。"))
    _check_spec(spec)
    visits_from, visits_until = visit_period(spec, timezone.localdate())
    entities, stations = _frozen_entities(actor, spec.pool_filters)
    candidates = _candidates(spec)
    has_last_data = last_inspectors_provider() is not None
    draw = Draw.objects.create(
        title=spec.title.strip(),
        kind=spec.kind,
        partner_unit=spec.partner_unit,
        pool_filters={k: v for k, v in spec.pool_filters.items() if v not in ("", None)},
        selection_mode=spec.selection_mode,
        selection_value=spec.selection_value,
        inspectors_per_entity=spec.inspectors_per_entity,
        visits_from=visits_from,
        visits_until=visits_until,
        avoid_grid=AvoidanceRule.GRID in spec.rules,
        avoid_conflict=AvoidanceRule.CONFLICT in spec.rules,
        avoid_last_inspection=AvoidanceRule.LAST_INSPECTION in spec.rules,
        last_inspection_data=has_last_data,
        org_unit=unit,
        inputs={},
        commitment=secrets.token_hex(32),  # replaced below, in this same transaction
        seed="",
        pool_size=len(entities),
        inspector_pool_size=len(candidates),
        sample_size=0,
        created_by=actor,
        created_at=timezone.now(),
        redraw_of=redraw_of,
        redraw_reason=reason,
    )
    # the codes need the draw's id, so the pool gets them once the row exists
    inspectors, refs, badges = _pseudonymise(draw.pk, candidates)
    conflicts, last = _pairs(spec, refs, entities)
    try:
        inputs = make_inputs(
            draw_id=draw.pk,
            title=draw.title,
            mode=spec.selection_mode,
            value=spec.selection_value,
            inspectors_per_entity=spec.inspectors_per_entity,
            partner_unit=spec.partner_unit.code if spec.partner_unit else None,
            rules=spec.rules,
            entities=entities,
            inspectors=inspectors,
            conflicts=conflicts,
            last_inspectors=last,
        )
        check_feasible(inputs)
    except DrawInputError as exc:
        raise invalid(_error_code(exc), describe_input_error(exc, badges)) from exc
    seed = secrets.token_bytes(32)
    published, digests, commitment = commit(inputs, seed)
    draw.inputs = published
    draw.input_digests = digests
    draw.commitment = commitment
    draw.seed = seed.hex()
    draw.inspector_refs = refs
    draw.sample_size = inputs.sample_size
    draw.save(
        update_fields=[
            "inputs",
            "input_digests",
            "commitment",
            "seed",
            "inspector_refs",
            "sample_size",
        ]
    )
    draw.inspector_units.set(spec.inspector_units)
    draw.stations.set(OrgUnit.objects.filter(pk__in=stations))
    audit.record(
        "draws.draw.committed",
        actor=actor,
        obj=draw,
        reason=reason,
        after=audit.snapshot(draw, DRAW_AUDIT_FIELDS),
    )
    return draw


def _error_code(exc: DrawInputError) -> str:
    if exc.code in (DrawError.EMPTY_POOL, DrawError.NO_INSPECTORS, DrawError.INFEASIBLE):
        return exc.code
    return INVALID


def _locked(draw: Draw) -> Draw:
    return Draw.objects.select_for_update().get(pk=draw.pk)


def _period_open(draw: Any) -> str | None:
    """The "period_open" guard of the execute row: visits cannot be scheduled in the past."""
    if draw.visits_until is not None and draw.visits_until < timezone.localdate():
        return _("该抽取的检查期限已于 %(d)s 结束，不能再执行；请重新抽取并填写新的检查期限。") % {
            "d": draw.visits_until.isoformat()
        }
    return None


# the guards of workflow.DRAW, for take() and for the buttons (allowed_actions)
DRAW_GUARDS = {"period_open": _period_open}


def _reveal(draw: Draw, actor: User, details: dict[str, Any]) -> list[str]:
    """Compute the result from the frozen inputs and the seed, store its rows, and verify
    it once, as anyone would from the published document, so the public pages serve the
    stored outcome instead of re-deriving the draw on every visit."""
    result = run(DrawInputs.from_dict(draw.inputs), bytes.fromhex(draw.seed))
    frozen = {e["key"]: e for e in draw.inputs["entities"]}
    _refuse_late_conflicts(draw, result.assignments, frozen)
    rows = DrawAssignment.objects.bulk_create(
        DrawAssignment(
            draw=draw,
            rank=rank,
            entity_id=frozen[a.key]["id"],
            entity_key=a.key,
            entity_name=frozen[a.key]["name"],
            inspector_codes=list(a.inspectors),
        )
        for rank, a in enumerate(result.assignments, start=1)
    )
    through = DrawAssignment.inspectors.through
    through.objects.bulk_create(
        through(drawassignment_id=row.pk, user_id=draw.inspector_refs[code])
        for row in rows
        for code in row.inspector_codes
    )
    draw.drawn_by = actor
    draw.drawn_at = timezone.now()
    report, digest = check_draw(draw)
    _store_verification(draw, report, digest or "")
    details.update(
        seed=draw.seed,
        selected=len(rows),
        verified=report.ok,
        document_digest=draw.document_digest,
    )
    return ["drawn_by", "drawn_at"]


def execute_draw(*, actor: User, draw: Draw) -> Draw:
    """Reveal the seed, compute the result from the frozen inputs and save it (the
    "execute" row of workflow.DRAW). The visits are not this app's:
    ``yaoan.inspections.scheduling.execute_draw`` calls this and then schedules them in the
    same transaction, and the pages and the API call that."""
    details: dict[str, Any] = {}  # filled by _reveal, read by the transition's audit event
    executed = take(
        DRAW,
        draw,
        "execute",
        actor=actor,
        guards=DRAW_GUARDS,
        update=lambda locked: _reveal(cast(Draw, locked), actor, details),
        details=details,
    )
    assert isinstance(executed, Draw)
    return executed


def _refuse_late_conflicts(
    draw: Draw, assignments: Iterable[Assignment], frozen: Mapping[str, Mapping[str, Any]]
) -> None:
    """The frozen inputs hold only the conflicts recorded before the commitment; one
    recorded since binds as well, so such a result is refused before anything is written
    and the chief redraws (the new draw freezes the conflict and avoids it)."""
    drawn = {
        (draw.inspector_refs[code], frozen[a.key]["id"]): frozen[a.key]["name"]
        for a in assignments
        for code in a.inspectors
    }
    # the inspector pool is small; the entities drawn may be many
    rows = InspectorConflict.objects.filter(
        is_removed=False, inspector_id__in={user_id for user_id, _entity in drawn}
    ).select_related("inspector")
    late = [
        c
        for c in rows.order_by("entity_id", "inspector_id")
        if (c.inspector_id, c.entity_id) in drawn
    ]
    if not late:
        return
    names = "；".join(f"{drawn[(c.inspector_id, c.entity_id)]}：{c.inspector}" for c in late)
    raise invalid(
        DrawError.CONFLICT_OF_INTEREST,
        _(
            "公示承诺值后又登记了利害关系，以下抽中的检查人员应当回避（%(pairs)s）。"
            "本次抽取未执行，请重新抽取并注明原因。"
        )
        % {"pairs": names},
    )


def _outcome(report: VerifyReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "entities_checked": report.entities_checked,
        "problems": [{"code": p.code, "detail": p.detail} for p in report.problems],
    }


def _store_verification(draw: Draw, report: VerifyReport, digest: str) -> None:
    draw.verification = _outcome(report)
    draw.verified_at = timezone.now()
    fields = ["verification", "verified_at"]
    # only a document that verified becomes the reference later documents are checked against
    if report.ok and digest and not draw.document_digest:
        draw.document_digest = digest
        fields.append("document_digest")
    draw.save(update_fields=fields)


@transaction.atomic
def reverify_draw(*, actor: User, draw: Draw) -> VerifyReport:
    """Re-derive a drawn draw now (staff's explicit action) and store the outcome the pages
    show. The digest of the document verified at execution is kept: a later document that
    differs from it is reported, not adopted."""
    if not can_read_draws(actor):
        raise PermissionDenied(_("您无权复核抽取。"))
    if not draws_visible_to(actor).filter(pk=draw.pk).exists():
        raise PermissionDenied(_("该抽取超出您的管辖范围。"))
    draw = _locked(draw)
    if not draw.is_drawn:
        raise invalid(ILLEGAL_TRANSITION, _("尚未抽取：种子在抽取后公布，届时才能复核。"))
    before = dict(draw.verification)
    report, digest = check_draw(draw)
    _store_verification(draw, report, digest or "")
    audit.record(
        "draws.draw.verified",
        actor=actor,
        obj=draw,
        before={"ok": before.get("ok")} if before else {},
        after={
            "ok": report.ok,
            "problem": report.first.code if report.first else "",
            "document_digest": draw.document_digest,
        },
    )
    return report


def _redraw_spec(old: Draw, visits_from: dt.date | None, visits_until: dt.date | None) -> DrawSpec:
    """The old draw's conditions; its inspection period unless a new one is given, starting
    today at the earliest. A period already over needs a new one."""
    spec = DrawSpec.of(old)
    today = timezone.localdate()
    if visits_from or visits_until:
        spec.visits_from, spec.visits_until = visits_from, visits_until
    elif spec.visits_until is not None and spec.visits_until < today:
        raise invalid(
            INVALID,
            _("原抽取的检查期限已于 %(d)s 结束，请填写新的检查期限。")
            % {"d": spec.visits_until.isoformat()},
            field="visits_until",
        )
    elif spec.visits_from is not None:
        spec.visits_from = max(spec.visits_from, today)
    return spec


@transaction.atomic
def redraw(
    *,
    actor: User,
    draw: Draw,
    reason: str,
    visits_from: dt.date | None = None,
    visits_until: dt.date | None = None,
) -> Draw:
    """A new draw with the same conditions over the pools as they are now, and a new seed;
    the old draw is superseded and stays visible with its result."""
    if not reason.strip():
        raise invalid(INVALID, _("重新抽取须填写原因。"), field="reason")

    def superseded(locked: Any) -> list[str]:
        locked.superseded_at = timezone.now()
        return ["superseded_at"]

    old = take(DRAW, draw, "supersede", actor=actor, reason=reason, update=superseded)
    assert isinstance(old, Draw)
    spec = _redraw_spec(old, visits_from, visits_until)
    return commit_draw(actor=actor, spec=spec, redraw_of=old, reason=reason.strip())
