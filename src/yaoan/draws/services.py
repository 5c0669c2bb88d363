"""The only writers of draws: commit, execute, redraw, re-verify (conflicts and inspector
profiles are written by ``yaoan.draws.profiles``). Each is one transaction with its audit
record: a draw is never half-created, and a drawn draw is never silently redone.

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
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.analytics.draws import (
    Assignment,
    DrawInputError,
    DrawInputs,
    PoolEntity,
    PoolInspector,
    VerifyReport,
    check_feasible,
    commit,
    derive_key,
    make_inputs,
    pseudonymous_codes,
    run,
)
from yaoan.analytics.draws.inputs import BASIS_POINTS
from yaoan.core import audit
from yaoan.core.enums import OrgUnitKind, Role
from yaoan.core.models import OrgUnit, User
from yaoan.core.transitions import take
from yaoan.draws.enums import (
    MANDATORY_RULES,
    AvoidanceRule,
    DrawError,
    DrawKind,
    SelectionMode,
)
from yaoan.draws.extensions import last_inspectors_provider
from yaoan.draws.messages import describe_input_error
from yaoan.draws.models import Draw, DrawAssignment, InspectorConflict, InspectorProfile
from yaoan.draws.queries import check_draw, draws_visible_to
from yaoan.draws.rules import can_manage_draws, can_read_draws
from yaoan.draws.workflow import DRAW
from yaoan.registry.filtersets import EntityFilterSet
from yaoan.registry.models import Entity
from yaoan.registry.queries import entities_visible_to

IGNORED_FILTERS = frozenset({"sort", "page"})
# Draw.selection_value is a PositiveIntegerField: an integer column on PostgreSQL
MAX_SELECTION_VALUE = 2**31 - 1
CODE_KEY_PURPOSE = "yaoan.draws.inspector-codes"
MAX_VISIT_PERIOD_DAYS = 366
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


@dataclass
class DrawSpec:
    """What a section chief asks for; everything else is frozen from the database."""

    title: str
    kind: str
    selection_mode: str
    selection_value: int
    inspector_units: list[OrgUnit]
    pool_filters: dict[str, str] = field(default_factory=dict)
    inspectors_per_entity: int = 2
    partner_unit: OrgUnit | None = None
    rules: frozenset[str] = frozenset(AvoidanceRule.values)
    # the inspection period of the drawn visits; empty: from today to the quarter's end
    visits_from: dt.date | None = None
    visits_until: dt.date | None = None

    def __post_init__(self) -> None:
        # whatever a form, the API or an old draw's flags say, recorded conflicts apply
        self.rules = frozenset(str(rule) for rule in self.rules) | MANDATORY_RULES

    @classmethod
    def of(cls, draw: Draw) -> DrawSpec:
        rules = {
            AvoidanceRule.GRID: draw.avoid_grid,
            AvoidanceRule.CONFLICT: draw.avoid_conflict,
            AvoidanceRule.LAST_INSPECTION: draw.avoid_last_inspection,
        }
        return cls(
            title=draw.title,
            kind=draw.kind,
            selection_mode=draw.selection_mode,
            selection_value=draw.selection_value,
            inspector_units=list(draw.inspector_units.all()),
            pool_filters=dict(draw.pool_filters),
            inspectors_per_entity=draw.inspectors_per_entity,
            partner_unit=draw.partner_unit,
            rules=frozenset(str(rule) for rule, on in rules.items() if on),
            visits_from=draw.visits_from,
            visits_until=draw.visits_until,
        )


def _invalid(message: str, code: str = DrawError.INVALID, field_name: str | None = None) -> Any:
    error = ValidationError(message, code=code)
    return ValidationError({field_name: [error]}) if field_name else error


def _require_manager(actor: User) -> None:
    if not can_manage_draws(actor):
        raise PermissionDenied(_("只有股室负责人可以发起、执行或重新抽取。"))


def quarter_end(day: dt.date) -> dt.date:
    last_month = (day.month - 1) // 3 * 3 + 3  # 3, 6, 9 or 12
    if last_month == 12:
        return dt.date(day.year, 12, 31)
    return dt.date(day.year, last_month + 1, 1) - dt.timedelta(days=1)


def default_visit_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The rest of the quarter: the period a draw's visits fall in unless the chief sets one."""
    return today, quarter_end(today)


def visit_period(spec: DrawSpec, today: dt.date) -> tuple[dt.date, dt.date]:
    """The spec's inspection period, defaults filled: not starting in the past, not ending
    before it starts, at most a year long."""
    start = spec.visits_from or today
    end = spec.visits_until or max(quarter_end(start), start)
    if start < today:
        raise _invalid(
            _("检查期限的开始日期（%(d)s）不能早于今天。") % {"d": start.isoformat()},
            code="in_the_past",
            field_name="visits_from",
        )
    if end < start:
        raise _invalid(
            _("检查期限的结束日期（%(e)s）不能早于开始日期（%(s)s）。")
            % {"e": end.isoformat(), "s": start.isoformat()},
            field_name="visits_until",
        )
    if (end - start).days > MAX_VISIT_PERIOD_DAYS:
        raise _invalid(_("检查期限不能超过一年。"), field_name="visits_until")
    return start, end


def _check_spec(spec: DrawSpec) -> None:
    if not spec.title.strip():
        raise _invalid(_("请填写抽取名称。"), field_name="title")
    if not spec.inspector_units:
        raise _invalid(_("请选择检查人员来源单位。"), field_name="inspector_units")
    if spec.kind == DrawKind.JOINT:
        unit = spec.partner_unit
        if unit is None or unit.kind != OrgUnitKind.MEMBER_DEPARTMENT:
            raise _invalid(_("联合抽查须选择一个成员单位（如卫健委）。"), field_name="partner_unit")
    elif spec.partner_unit is not None:
        raise _invalid(_("只有联合抽查才选择成员单位。"), field_name="partner_unit")
    _check_selection(spec)


def _check_selection(spec: DrawSpec) -> None:
    """Before the draw row is written: a value its column cannot hold is a clear refusal,
    not a database error."""
    value = spec.selection_value
    if spec.selection_mode == SelectionMode.RATIO and not 1 <= value <= BASIS_POINTS:
        raise _invalid(_("抽取比例须在 0.01% 到 100% 之间。"), field_name="selection_value")
    if not 1 <= value <= MAX_SELECTION_VALUE:
        raise _invalid(
            _("抽取数量须在 1 到 %(max)d 之间。") % {"max": MAX_SELECTION_VALUE},
            field_name="selection_value",
        )


# --- freezing the pools -----------------------------------------------------------------------


def pool_queryset(actor: User, filters: Mapping[str, str]) -> QuerySet[Entity]:
    """The entity pool: the registry's own FilterSet over what the actor may see."""
    params = {k: v for k, v in filters.items() if k not in IGNORED_FILTERS and v not in ("", None)}
    filterset = EntityFilterSet(params, queryset=entities_visible_to(actor))
    if not filterset.is_valid():
        fields = filterset.form.fields
        messages = "；".join(
            f"{fields[name].label if name in fields else name}：{' '.join(errs)}"
            for name, errs in filterset.errors.items()
        )
        raise _invalid(_("筛选条件无效：%(errors)s") % {"errors": messages})
    qs: QuerySet[Entity] = filterset.qs
    return qs


def _frozen_entities(actor: User, filters: Mapping[str, str]) -> tuple[list[PoolEntity], set[int]]:
    rows = pool_queryset(actor, filters).values_list(
        "id", "uscc", "name", "subdistrict__code", "subdistrict__station_id"
    )
    entities, stations = [], set()
    for pk, uscc, name, grid, station in rows.order_by():
        entities.append(PoolEntity(key=uscc, id=pk, name=name, grid=grid))
        stations.add(station)
    return entities, stations


@dataclass(frozen=True)
class _Candidate:
    """An inspector of the pool as the database knows them, before they get a code."""

    user_id: int
    badge_number: str
    unit: str
    avoid_grids: tuple[str, ...]


def _candidates(spec: DrawSpec) -> list[_Candidate]:
    units = {u.pk for u in spec.inspector_units}
    if spec.partner_unit is not None:
        units.add(spec.partner_unit.pk)
    profiles = (
        InspectorProfile.objects.filter(
            user__is_active=True,
            user__is_system_actor=False,  # core.actors: a job is never drawn
            user__role_assignments__role=Role.INSPECTOR,
            user__org_unit_id__in=units,
        )
        .select_related("user__org_unit", "home_subdistrict")
        .prefetch_related("posted_subdistricts")
        .distinct()
    )
    candidates = []
    for profile in profiles:
        grids = {s.code for s in profile.posted_subdistricts.all()}
        if profile.home_subdistrict is not None:
            grids.add(profile.home_subdistrict.code)
        unit = profile.user.org_unit
        candidates.append(
            _Candidate(
                profile.user_id,
                profile.badge_number,
                unit.code if unit else "",
                tuple(sorted(grids)),
            )
        )
    return candidates


def _code_key() -> bytes:
    return derive_key(settings.SECRET_KEY.encode("utf-8"), CODE_KEY_PURPOSE)


def _pseudonymise(
    draw_id: int, candidates: list[_Candidate]
) -> tuple[list[PoolInspector], dict[str, int], dict[str, str]]:
    """The pool under this draw's codes, code → user id (kept, never published) and
    code → badge number (for the chief's messages only)."""
    salt = f"draw:{draw_id}:{secrets.token_hex(16)}"
    codes = pseudonymous_codes(_code_key(), salt, [c.user_id for c in candidates])
    inspectors = [PoolInspector(codes[c.user_id], c.unit, c.avoid_grids) for c in candidates]
    refs = {codes[c.user_id]: c.user_id for c in candidates}
    badges = {codes[c.user_id]: c.badge_number for c in candidates}
    return inspectors, refs, badges


def _pairs(
    spec: DrawSpec, refs: Mapping[str, int], entities: list[PoolEntity]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Conflicts (always: avoiding them is mandatory) and, when that rule is on, last
    inspectors, as (code, entity key) pairs."""
    codes = {uid: code for code, uid in refs.items()}
    keys = {e.id: e.key for e in entities}
    rows = InspectorConflict.objects.filter(
        is_removed=False, inspector_id__in=list(codes)
    ).values_list("inspector_id", "entity_id")
    conflicts = [(codes[u], keys[e]) for u, e in rows if e in keys]
    last: list[tuple[str, str]] = []
    provider = last_inspectors_provider()
    if AvoidanceRule.LAST_INSPECTION in spec.rules and provider is not None:
        for entity_id, user_ids in provider(list(keys)).items():
            last.extend((codes[u], keys[entity_id]) for u in user_ids if u in codes)
    return conflicts, last


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
        raise _invalid(describe_input_error(exc, badges), code=_error_code(exc)) from exc
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
    return DrawError.INVALID


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
    raise _invalid(
        _(
            "公示承诺值后又登记了利害关系，以下抽中的检查人员应当回避（%(pairs)s）。"
            "本次抽取未执行，请重新抽取并注明原因。"
        )
        % {"pairs": names},
        code=DrawError.CONFLICT_OF_INTEREST,
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
        raise _invalid(
            _("尚未抽取：种子在抽取后公布，届时才能复核。"),
            code=DrawError.ILLEGAL_TRANSITION,
        )
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
        raise _invalid(
            _("原抽取的检查期限已于 %(d)s 结束，请填写新的检查期限。")
            % {"d": spec.visits_until.isoformat()},
            field_name="visits_until",
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
        raise _invalid(_("重新抽取须填写原因。"), field_name="reason")

    def superseded(locked: Any) -> list[str]:
        locked.superseded_at = timezone.now()
        return ["superseded_at"]

    old = take(DRAW, draw, "supersede", actor=actor, reason=reason, update=superseded)
    assert isinstance(old, Draw)
    spec = _redraw_spec(old, visits_from, visits_until)
    return commit_draw(actor=actor, spec=spec, redraw_of=old, reason=reason.strip())
