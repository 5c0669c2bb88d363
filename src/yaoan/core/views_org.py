"""The system administrator's pages of the org structure: the tree of units with their
users and grids, the forms that add and edit units and 镇街, and the move of a 镇街 to
another station. Every change goes through ``org_services``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from yaoan.core import org_services, rules
from yaoan.core.forms import ReasonForm
from yaoan.core.http import AuthenticatedHttpRequest
from yaoan.core.models import OrgUnit, Subdistrict
from yaoan.core.org_forms import (
    OrgUnitCreateForm,
    OrgUnitRenameForm,
    SubdistrictCreateForm,
    SubdistrictForm,
    SubdistrictMoveForm,
    show_errors,
)
from yaoan.core.views_admin import require

manages_org = require(rules.can_manage_org_structure)


@dataclass
class TreeRow:
    unit: OrgUnit
    depth: int
    subdistricts: list[Subdistrict] = field(default_factory=list)

    @property
    def indent(self) -> str:
        """Full-width spaces and a branch: the page's CSP allows no inline styles."""
        return "\u3000" * (self.depth - 1) + "└ " if self.depth else ""


def _tree_rows() -> list[TreeRow]:
    """Units depth-first in their order, each with its active users and its grid: two
    queries, however large the district."""
    units = list(
        OrgUnit.objects.annotate(
            user_count=Count("users", filter=Q(users__is_active=True, users__is_system_actor=False))
        ).order_by("sort_order", "code")
    )
    grids: dict[int, list[Subdistrict]] = defaultdict(list)
    for sub in Subdistrict.objects.annotate(entity_count=Count("entities")).order_by("code"):
        grids[sub.station_id].append(sub)
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    known = {unit.pk for unit in units}
    for unit in units:
        children[unit.parent_id if unit.parent_id in known else None].append(unit)
    rows: list[TreeRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children[parent]:
            rows.append(TreeRow(unit, depth, grids.get(unit.pk, [])))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return rows


@manages_org
def org_tree_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = _tree_rows()
    total = sum(sub.population for row in rows for sub in row.subdistricts)
    return render(request, "core/org_tree.html", {"rows": rows, "population": total})


@manages_org
def org_unit_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrgUnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org_services.create_org_unit(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
                parent=data["parent"],
                sort_order=data["sort_order"] or 0,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return redirect("core:org_tree")
    return render(request, "core/org_form.html", {"form": form, "title": "unit_create"})


@manages_org
def org_unit_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(OrgUnit, pk=pk)
    initial = {"name": unit.name, "short_name": unit.short_name, "sort_order": unit.sort_order}
    form = OrgUnitRenameForm(initial=initial)
    reason_form = ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rename":
                form = OrgUnitRenameForm(request.POST)
                if form.is_valid():
                    org_services.rename_org_unit(actor=request.user, unit=unit, **form.cleaned_data)
                    return redirect("core:org_tree")
            elif action in {"activate", "deactivate"}:
                reason_form = ReasonForm(request.POST)
                if reason_form.is_valid():
                    org_services.set_org_unit_active(
                        actor=request.user,
                        unit=unit,
                        active=action == "activate",
                        reason=reason_form.cleaned_data["reason"],
                    )
                    return redirect("core:org_tree")
        except ValidationError as exc:
            show_errors(form if action == "rename" else reason_form, exc)
    context: dict[str, Any] = {"unit": unit, "form": form, "reason_form": reason_form}
    return render(request, "core/org_unit_edit.html", context)


@manages_org
def subdistrict_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SubdistrictCreateForm(
        request.POST or None, initial={"station": request.GET.get("station")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            org_services.create_subdistrict(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            return redirect("core:org_tree")
    return render(request, "core/org_form.html", {"form": form, "title": "subdistrict_create"})


@manages_org
def subdistrict_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sub = get_object_or_404(Subdistrict.objects.select_related("station"), pk=pk)
    fields = ("code", "name", "kind", "area_type", "population")
    form = SubdistrictForm(initial={name: getattr(sub, name) for name in fields})
    move_form = SubdistrictMoveForm()
    reason_form = ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        target: Any = None
        try:
            if action == "edit":
                target = form = SubdistrictForm(request.POST)
                if form.is_valid():
                    org_services.update_subdistrict(
                        actor=request.user, subdistrict=sub, **form.cleaned_data
                    )
                    return redirect("core:org_tree")
            elif action == "move":
                target = move_form = SubdistrictMoveForm(request.POST)
                if move_form.is_valid():
                    org_services.move_subdistrict(
                        actor=request.user, subdistrict=sub, **move_form.cleaned_data
                    )
                    return redirect("core:org_tree")
            elif action == "delete":
                target = reason_form = ReasonForm(request.POST)
                if reason_form.is_valid():
                    org_services.delete_subdistrict(
                        actor=request.user, subdistrict=sub, **reason_form.cleaned_data
                    )
                    return redirect("core:org_tree")
        except ValidationError as exc:
            show_errors(target, exc)
    stations = move_form.fields["station"]
    stations.queryset = stations.queryset.exclude(pk=sub.station_id)  # type: ignore[attr-defined]
    return render(
        request,
        "core/subdistrict_edit.html",
        {
            "sub": sub,
            "form": form,
            "move_form": move_form,
            "reason_form": reason_form,
            "entity_count": org_services.entities_in(sub),
        },
    )
