"""Registry pages: entity list with search/filters/sort/paging, profile, edits, licences,
ratings and the product catalogue. Every queryset is scoped to the user's grid (S9)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html import escape as html_escape
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yaoan.common.forms import add_service_errors
from yaoan.common.paging import MAX_PAGE
from yaoan.common.panels import render_panels
from yaoan.core.access import allowed_user, refusal
from yaoan.core.models import User
from yaoan.core.rules import can_edit_registry, can_read_registry, can_set_ratings, data_scope
from yaoan.registry import services
from yaoan.registry.enums import EntityStatus, EntityType, MedicalLevel, RatingKind
from yaoan.registry.filtersets import EntityFilterSet, ProductFilterSet
from yaoan.registry.forms import (
    DeleteForm,
    EntityForm,
    LicenceForm,
    ProductForm,
    RatingForm,
    RestoreForm,
)
from yaoan.registry.models import Entity, Licence
from yaoan.registry.queries import (
    QueryShape,
    deleted_entities_visible_to,
    entities_visible_to,
    entity_profile,
    expiry_has_counting_form,
    licence_warning,
    products_visible_to,
    sorted_from_the_set,
    visible_entity,
)

PAGE_SIZE = 50


DENIED = "registry.access.denied"


def _deny(request: HttpRequest, user: User) -> PermissionDenied:
    return refusal(request, user, DENIED)


def _user(request: HttpRequest) -> User:
    return allowed_user(request, can_read_registry, DENIED)


def _editor(request: HttpRequest) -> User:
    return allowed_user(request, can_edit_registry, DENIED)


def entity_filterset(request: HttpRequest, user: User) -> EntityFilterSet:
    base = entities_visible_to(user).select_related("subdistrict__station")
    return EntityFilterSet(request.GET, queryset=base)  # bound: no query = no filter


def filtered_entities(request: HttpRequest, user: User) -> tuple[EntityFilterSet, QuerySet[Entity]]:
    filterset = entity_filterset(request, user)
    return filterset, valid_qs(filterset)


def valid_qs(filterset: EntityFilterSet) -> QuerySet[Entity]:
    """The filtered entities; none for filters that do not validate."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


# Counting every match of a broad filter over a district's 100k entities costs more than
# the rest of the page; past this many the page says "more than" and offers the exact count.
COUNT_LIMIT = 1000
EXACT_COUNT_PARAM = "count"  # ?count=exact: count every match (not a filter)
# orders the covering index of migration 0004 can be walked in ("" is the model's order)
WALKABLE_SORTS = ("", "name", "-name")
# the filters with a walked form (EntityFilterSet.walked_qs); the others (type, grade,
# status) have indexes of their own in name order or narrow too little to matter
WALKED_FILTERS = ("q", "licence_expiring", "station", "subdistrict")
# the filters with a counting form, which pays off only when they are used alone
COUNTED_FILTERS = ("q", "licence_expiring")
ROW_COLUMNS = (
    "pk",
    "name",
    "uscc",
    "entity_type",
    "medical_level",
    "status",
    "risk_grade",
    "credit_class",
    "subdistrict__name",
    "subdistrict__station__name",
    "subdistrict__station__short_name",
)


@dataclass(slots=True)
class EntityRow:
    """One row of the list, read as plain values (no model instances for a page)."""

    pk: int
    name: str
    uscc: str
    type_label: str
    status_label: str
    risk_grade: str
    credit_class: str
    grid: str
    station: str


@dataclass
class EntityPage:
    """One page of the list: the rows, where it is, and how many match in all
    (``total``; a lower bound when ``total_is_lower_bound``)."""

    rows: list[EntityRow]
    number: int
    total: int
    total_is_lower_bound: bool
    has_next: bool

    def __iter__(self) -> Iterator[EntityRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def num_pages(self) -> int | None:
        return None if self.total_is_lower_bound else max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(raw: str | None) -> int:
    try:
        return min(max(1, int(raw or 1)), MAX_PAGE)
    except ValueError:
        return 1


@dataclass
class QueryForms:
    """The list's filters in the SQL forms entity_page may use, each built only if used
    (building a filtered queryset costs about as much as running it)."""

    as_set: Callable[[], QuerySet[Entity]]
    walked: Callable[[], QuerySet[Entity]] | None = None  # EntityFilterSet.walked_qs
    counted: Callable[[], QuerySet[Entity]] | None = None  # EntityFilterSet.counting_qs


def entity_page(forms: QueryForms, page: str | None, exact: bool) -> EntityPage:
    """Like Paginator.get_page (a bad or too large number shows the last page), but
    counting at most COUNT_LIMIT + 1 matches unless ``exact``, in the counting form of
    the filters when they have one.

    The count doubles as the planner's hint: when more than COUNT_LIMIT entities match,
    the page's rows come from the walked form (the same filters written to be tested
    while walking the name order), which stops after a page instead of sorting every
    match; when fewer do, from the set, sorted without an index (sorted_from_the_set)."""
    unordered = (forms.counted or forms.as_set)().order_by().values("pk")
    if exact:
        total, capped = unordered.count(), False
        dense = total > COUNT_LIMIT
    else:
        total = unordered[: COUNT_LIMIT + 1].count()
        dense = capped = total > COUNT_LIMIT
        total = min(total, COUNT_LIMIT)
    number = _page_number(page)
    if not capped:
        number = min(number, max(1, -(-total // PAGE_SIZE)))
    if dense and forms.walked is not None:
        qs = forms.walked()
    elif dense:
        qs = forms.as_set()
    else:
        qs = sorted_from_the_set(forms.as_set())
    values = _page_values(qs, number)
    if capped and not values and number > 1:
        # past the end of a count that stopped at the limit: count them all to find the
        # last page, as an uncapped count would have (rare: a hand-typed page number)
        total, capped = unordered.count(), False
        number = max(1, -(-total // PAGE_SIZE))
        values = _page_values(qs, number)
    rows = row_labels(values[:PAGE_SIZE])
    return EntityPage(rows, number, total, capped, has_next=len(values) > PAGE_SIZE)


def _page_values(qs: QuerySet[Entity], number: int) -> list[tuple[Any, ...]]:
    """The page's rows as plain values, and one more to tell whether a next page exists."""
    offset = (number - 1) * PAGE_SIZE
    return list(qs.values_list(*ROW_COLUMNS)[offset : offset + PAGE_SIZE + 1])


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The type, level and status labels in ``language``: translated once, not per page."""
    return (
        {k: str(v) for k, v in EntityType.choices},
        {k: str(v) for k, v in MedicalLevel.choices},
        {k: str(v) for k, v in EntityStatus.choices},
    )


def row_labels(values: Iterable[tuple[Any, ...]]) -> list[EntityRow]:
    """Display labels from mappings translated once per language (_labels):
    get_FOO_display() rebuilds its choices mapping and translates on every call, which
    dominated the list's rendering time."""
    types, levels, statuses = _labels(get_language())
    rows = []
    for pk, name, uscc, kind, level, status, risk, credit, grid, station, short in values:
        label = types.get(kind, kind)
        if level:
            label += f"（{levels.get(level, '')}）"
        rows.append(
            EntityRow(
                pk=pk,
                name=name,
                uscc=uscc,
                type_label=label,
                status_label=statuses.get(status, status),
                risk_grade=risk,
                credit_class=credit,
                grid=grid,
                station=short or station,
            )
        )
    return rows


def _badge(grade: str) -> str:
    if not grade:
        return '<span class="muted">-</span>'
    tone = {"D": " bad", "C": " warn"}.get(grade, "")
    return f'<span class="badge{tone}">{html_escape(grade)}</span>'


ROW_HTML = (
    '<tr><td data-label="{l[0]}"><a href="{url}">{name}</a></td>'
    '<td data-label="{l[1]}"><code>{uscc}</code></td>'
    '<td data-label="{l[2]}">{type}</td>'
    '<td data-label="{l[3]}">{grid} <span class="muted">/ {station}</span></td>'
    '<td data-label="{l[4]}">{risk}</td><td data-label="{l[5]}">{credit}</td>'
    '<td data-label="{l[6]}">{status}</td></tr>'
)
_PK_SLOT = 918273645  # reverse() once per page, then put each row's pk in its place


def entity_rows_html(rows: Iterable[EntityRow]) -> SafeString:
    """The list's table rows, formatted in Python with every value escaped (the standard
    library's escape, which Django's wraps in a lazy-aware SafeString per call): through
    the template engine (and one reverse() per row) the 50 rows cost more than the rest
    of the page together."""
    labels = [escape(_(text)) for text in ("名称", "代码", "类型", "镇街", "风险", "信用", "状态")]
    url = reverse("registry:entity_detail", args=[_PK_SLOT]).replace(str(_PK_SLOT), "{}")
    html = [
        ROW_HTML.format(
            l=labels,
            url=html_escape(url.format(row.pk)),
            name=html_escape(row.name),
            uscc=html_escape(row.uscc),
            type=html_escape(row.type_label),
            grid=html_escape(row.grid),
            station=html_escape(row.station),
            risk=_badge(row.risk_grade),
            credit=_badge(row.credit_class),
            status=html_escape(row.status_label),
        )
        for row in rows
    ]
    return mark_safe("\n".join(html))  # noqa: S308 -- every value above went through escape()


def walkable_entities(user: User) -> QuerySet[Entity]:
    """What the user may see, written to be walked (queries.in_grid)."""
    return entities_visible_to(user, QueryShape.WALK).select_related("subdistrict__station")


def filters_in_use(filterset: EntityFilterSet) -> set[str]:
    return filterset.narrowed_by() - {"sort"} if filterset.is_valid() else set()


def counted_alone(used: set[str], whole_district: bool, db: str) -> bool:
    """Whether the expiry filter's counting form applies: on a database that has one, and
    with no other condition (a station's grid, a type; a station user's scope), since
    joined to one the planners start from that condition's index, and a join per licence
    then costs far more than the set-based form."""
    return (
        "licence_expiring" in used
        and used <= set(COUNTED_FILTERS)
        and whole_district
        and expiry_has_counting_form(db)
    )


def entity_list_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filterset = entity_filterset(request, user)
    used = filters_in_use(filterset)
    whole_district = data_scope(user).everything
    # with no filter of WALKED_FILTERS and the whole district, the walked form would be
    # the set-based one, built again
    walkable = (
        filterset.is_valid()
        and (bool(used) or not whole_district)
        and used <= set(WALKED_FILTERS)
        and request.GET.get("sort", "") in WALKABLE_SORTS
    )
    forms = QueryForms(
        as_set=lambda: valid_qs(filterset),
        walked=(lambda: filterset.walked_qs(walkable_entities(user))) if walkable else None,
        counted=(
            filterset.counting_qs
            if counted_alone(used, whole_district, filterset.queryset.db)
            else None
        ),
    )
    page = entity_page(
        forms, request.GET.get("page"), request.GET.get(EXACT_COUNT_PARAM) == "exact"
    )
    template = "registry/_entity_rows.html" if request.htmx else "registry/entity_list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "filterset": filterset,
            "page_obj": page,
            "rows_html": entity_rows_html(page.rows),
            "can_edit": can_edit_registry(user),
            "querystring": request.GET.urlencode(),
        },
    )


def entity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entity = entity_profile(user, pk)
    today = timezone.localdate()
    licences = [(lic, licence_warning(lic, today)) for lic in entity.licences.all()]
    return render(
        request,
        "registry/entity_detail.html",
        {
            "entity": entity,
            "licences": licences,
            "rating_changes": entity.rating_changes.select_related("changed_by")[:20],
            # a chain's stores in other stations' grids are theirs to see (S9)
            "chain_stores": entities_visible_to(user).filter(chain_headquarters=entity)[:50],
            "headquarters_visible": _headquarters_visible(user, entity),
            "whole_district": data_scope(user).everything,
            "panels": render_panels("entity_profile", request, entity),
            "can_edit": can_edit_registry(user),
            "can_rate": can_set_ratings(user),
        },
    )


def _headquarters_visible(user: User, entity: Entity) -> bool:
    hq = entity.chain_headquarters_id
    return hq is not None and entities_visible_to(user).filter(pk=hq).exists()


def entity_create_view(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    form = EntityForm(request.POST or None, user=user)
    restorable = None
    if request.method == "POST" and form.is_valid():
        uscc = form.cleaned_data["uscc"]  # add_error drops the field from cleaned_data
        try:
            entity = services.create_entity(actor=user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            restorable = deleted_entities_visible_to(user).filter(uscc=uscc).first()
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": entity.name})
            return redirect(entity)
    return render(
        request,
        "registry/entity_form.html",
        {"form": form, "entity": None, "restorable": restorable},
    )


def entity_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    entity = visible_entity(user, pk, deleted=True)
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.restore_entity(actor=user, entity=entity, reason=form.cleaned_data["reason"])
        messages.success(request, _("已恢复：%(name)s") % {"name": entity.name})
        return redirect(entity)
    return render(request, "registry/entity_restore.html", {"form": form, "entity": entity})


def entity_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    entity = visible_entity(user, pk)
    form = EntityForm(request.POST or None, instance=entity, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entity(
                actor=user,
                entity=entity,
                data=form.cleaned_data,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(entity)
    return render(request, "registry/entity_form.html", {"form": form, "entity": entity})


def entity_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _editor(request)
    entity = visible_entity(user, pk)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_entity(actor=user, entity=entity, reason=form.cleaned_data["reason"])
        messages.success(request, _("已删除：%(name)s") % {"name": entity.name})
        return redirect("registry:entity_list")
    return render(request, "registry/entity_delete.html", {"form": form, "entity": entity})


def entity_rating_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can_set_ratings(user):
        raise _deny(request, user)
    entity = visible_entity(user, pk)
    form = RatingForm(
        request.POST or None,
        initial={"risk_grade": entity.risk_grade, "credit_class": entity.credit_class},
    )
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        services.set_rating(
            actor=user,
            entity=entity,
            kind=RatingKind.RISK,
            value=form.cleaned_data["risk_grade"],
            reason=reason,
        )
        services.set_rating(
            actor=user,
            entity=entity,
            kind=RatingKind.CREDIT,
            value=form.cleaned_data["credit_class"],
            reason=reason,
        )
        messages.success(request, _("等级已更新。"))
        return redirect(entity)
    return render(request, "registry/entity_rating.html", {"form": form, "entity": entity})


def licence_form_view(request: HttpRequest, pk: int, licence_pk: int | None = None) -> HttpResponse:
    user = _editor(request)
    entity = visible_entity(user, pk)
    licence = get_object_or_404(Licence, pk=licence_pk, entity=entity) if licence_pk else None
    form = LicenceForm(request.POST or None, instance=licence)
    if request.method == "POST" and form.is_valid():
        try:
            if licence is None:
                services.add_licence(actor=user, entity=entity, data=form.cleaned_data)
            else:
                services.update_licence(
                    actor=user,
                    licence=licence,
                    data=form.cleaned_data,
                    reason=request.POST.get("reason", ""),
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("证照已保存。"))
            return redirect(entity)
    return render(
        request, "registry/licence_form.html", {"form": form, "entity": entity, "licence": licence}
    )


def product_list_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filterset = ProductFilterSet(request.GET, queryset=products_visible_to(user))
    qs = filterset.qs if filterset.is_valid() else products_visible_to(user).none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/product_list.html",
        {"filterset": filterset, "page_obj": page, "can_edit": can_edit_registry(user)},
    )


def product_create_view(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_product(actor=user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("产品已登记。"))
            return redirect("registry:product_list")
    return render(request, "registry/product_form.html", {"form": form})
