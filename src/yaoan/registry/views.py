"""Registry pages: entity list with search/filters/sort/paging, profile, edits, licences,
ratings and the product catalogue. Every queryset is scoped to the user's grid (S9)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.common.forms import add_service_errors
from yaoan.common.panels import render_panels
from yaoan.core.access import allowed_user, refusal
from yaoan.core.models import User
from yaoan.core.rules import can_edit_registry, can_read_registry, can_set_ratings, data_scope
from yaoan.registry import services
from yaoan.registry.enums import RatingKind
from yaoan.registry.filtersets import EntityFilterSet, ProductFilterSet
from yaoan.registry.forms import (
    DeleteForm,
    EntityForm,
    LicenceForm,
    ProductForm,
    RatingForm,
    RestoreForm,
)
from yaoan.registry.listing import entity_list
from yaoan.registry.models import Entity, Licence
from yaoan.registry.queries import (
    deleted_entities_visible_to,
    entities_visible_to,
    entity_profile,
    licence_warning,
    products_visible_to,
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


def entity_list_view(request: HttpRequest) -> HttpResponse:
    """The list's page comes from registry.listing, which holds its tuning for scale."""
    user = _user(request)
    listed = entity_list(user, request.GET)
    template = "registry/_entity_rows.html" if request.htmx else "registry/entity_list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "filterset": listed.filterset,
            "page_obj": listed.page,
            "rows_html": listed.rows_html,
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
