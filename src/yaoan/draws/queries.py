"""Reads: draws, inspectors and conflicts scoped to the user (S9); the published document
of a draw; verification of a stored draw, live or as stored at execution."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from yaoan.analytics.draws import Problem, VerifyReport, build_document, document_digest, verify
from yaoan.core.enums import Role
from yaoan.core.models import User
from yaoan.core.rules import data_scope
from yaoan.draws.models import Draw, DrawAssignment, InspectorConflict, InspectorProfile
from yaoan.registry.queries import entities_visible_to

RECORDS_PROBLEM = "records"  # the stored rows disagree with the published result
# the document differs from the one verified at execution (whose digest was stored)
DOCUMENT_CHANGED_PROBLEM = "document_changed"
# what list pages never need: the large frozen pools, the code → person map, the seed
LIST_DEFERRED = ("inputs", "inspector_refs", "seed")


def draws_visible_to(user: User) -> QuerySet[Draw]:
    scope = data_scope(user)
    if scope.nothing:
        return Draw.objects.none()
    if scope.everything:
        return Draw.objects.all()
    return Draw.objects.filter(stations__in=scope.station_ids).distinct()


def published_draws() -> QuerySet[Draw]:
    """Every draw is published from the moment its commitment exists (一公开)."""
    return Draw.objects.all()


def superseded_chain(draw: Draw) -> list[int]:
    """The ids of every draw this one replaces, nearest first: a redraw of a redraw that
    was never executed replaces the draw before it too."""
    ids: list[int] = []
    current = draw.redraw_of_id
    while current is not None and current not in ids:
        ids.append(current)
        current = Draw.objects.filter(pk=current).values_list("redraw_of_id", flat=True).first()
    return ids


def inspectors_visible_to(user: User) -> QuerySet[User]:
    scope = data_scope(user)
    qs = User.objects.people().filter(role_assignments__role=Role.INSPECTOR, is_active=True)
    if scope.nothing:
        return qs.none()
    if not scope.everything:
        qs = qs.filter(org_unit_id__in=scope.station_ids)
    return qs.select_related("org_unit").order_by("org_unit__sort_order", "username")


def conflicts_visible_to(user: User) -> QuerySet[InspectorConflict]:
    return InspectorConflict.objects.filter(
        entity__in=entities_visible_to(user).values("pk")
    ).select_related("inspector", "entity", "recorded_by", "inspector__inspector_profile")


def profiles_of(users: QuerySet[User]) -> dict[int, InspectorProfile]:
    profiles = InspectorProfile.objects.filter(user__in=users).prefetch_related(
        Prefetch("posted_subdistricts")
    )
    return {p.user_id: p for p in profiles.select_related("home_subdistrict")}


def assignment_rows(draw: Draw) -> QuerySet[DrawAssignment]:
    return draw.assignments.select_related("entity").order_by("rank")


def published_result(draw: Draw) -> dict[str, Any] | None:
    if not draw.is_drawn:
        return None
    rows = draw.assignments.order_by("rank").values_list("entity_key", "inspector_codes")
    return {"entities": [{"key": key, "inspectors": list(codes)} for key, codes in rows]}


def draw_meta(draw: Draw) -> dict[str, Any]:
    """Informational fields of the document (not covered by the commitment)."""
    return {
        "draw_id": draw.pk,
        "title": draw.title,
        "kind": draw.kind,
        "status": draw.status,
        "committed_at": draw.created_at.isoformat(),
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
        "redraw_of": draw.redraw_of_id,
        "redraw_reason": draw.redraw_reason,
        "last_inspection_data": draw.last_inspection_data,
    }


def published_document(draw: Draw) -> dict[str, Any]:
    """The document anyone may download: the seed and the result only once drawn."""
    seed = bytes.fromhex(draw.seed) if draw.is_drawn else None
    return build_document(
        inputs=draw.inputs,
        commitment=draw.commitment,
        digests=draw.input_digests,
        seed=seed,
        result=published_result(draw),
        meta=draw_meta(draw),
    )


def _records_problem(draw: Draw) -> Problem | None:
    """The rows the other modules read (entity, inspectors) must be the published result."""
    ids = {e["key"]: e["id"] for e in draw.inputs.get("entities", [])}
    refs = draw.inspector_refs
    for row in draw.assignments.order_by("rank").prefetch_related("inspectors"):
        wanted = {refs.get(code) for code in row.inspector_codes}
        found = {u.pk for u in row.inspectors.all()}
        if ids.get(row.entity_key) != row.entity_id or wanted != found:
            return Problem(RECORDS_PROBLEM, {"position": row.rank, "key": row.entity_key})
    return None


def check_draw(draw: Draw) -> tuple[VerifyReport, str | None]:
    """Live verification of the stored draw, and the digest of its document when that
    verifies: the document re-derived by ``verify``, then the rows the other modules read,
    then the document against the digest stored when the draw was executed."""
    document = published_document(draw)
    report = verify(document)
    if not (report.ok and draw.is_drawn):
        return report, None
    digest = document_digest(document)
    problem = _records_problem(draw)
    if problem is None and draw.document_digest and draw.document_digest != digest:
        problem = Problem(
            DOCUMENT_CHANGED_PROBLEM, {"stored": draw.document_digest, "computed": digest}
        )
    if problem is not None:
        return VerifyReport((problem,), report.entities_checked), digest
    return report, digest


def verify_draw(draw: Draw) -> VerifyReport:
    return check_draw(draw)[0]


def stored_report(draw: Draw) -> VerifyReport | None:
    """The outcome stored at execution (or at staff's last re-verification); None if none."""
    if not draw.verification:
        return None
    problems = tuple(
        Problem(p.get("code", ""), dict(p.get("detail") or {}))
        for p in draw.verification.get("problems", [])
    )
    return VerifyReport(problems, int(draw.verification.get("entities_checked", 0)))
