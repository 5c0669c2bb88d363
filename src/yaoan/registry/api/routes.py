"""Registry API routes. They only validate and delegate: reads go through the scoped
queries and the same FilterSets as the list pages, writes through registry.services."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from yaoan.common.api.filters import filter_parameters, filtered
from yaoan.common.api.paging import PageParams, page_of
from yaoan.common.api.schemas import DETAIL_ERRORS, READ_ERRORS
from yaoan.common.errors import INVALID, invalid
from yaoan.core.access import allowed_user
from yaoan.core.models import Subdistrict
from yaoan.core.rules import EDIT_REGISTRY, READ_REGISTRY
from yaoan.registry import services
from yaoan.registry.api.schemas import (
    EntityIn,
    EntityOut,
    EntityPage,
    EntityPatch,
    LicenceIn,
    LicenceOut,
    LicencePage,
    ProductOut,
    ProductPage,
)
from yaoan.registry.enums import EntityType, RegistryError
from yaoan.registry.filtersets import EntityFilterSet, LicenceFilterSet, ProductFilterSet
from yaoan.registry.models import Entity, Licence, Product
from yaoan.registry.queries import (
    entities_visible_to,
    licences_visible_to,
    products_visible_to,
    visible_entity,
)

router = Router()

M = TypeVar("M", bound=Model)
BLANK_WHEN_NONE = ("medical_level", "device_class")


# --- who is asking -------------------------------------------------------------------


# --- coded errors from the services ---------------------------------------------------


def _code(field: str, error: ValidationError) -> str:
    message = " ".join(error.messages)
    if field == "uscc" and error.code == "unique":
        return RegistryError.DUPLICATE_USCC
    if field == "uscc" and error.code in (RegistryError.INVALID_USCC, "max_length", "invalid"):
        return RegistryError.INVALID_USCC
    if message == str(RegistryError.DATES_ORDER.label):
        return RegistryError.DATES_ORDER
    return error.code or "invalid"


def _coded(exc: ValidationError) -> ValidationError:
    """The same errors with the registry's error codes, and the dates-order error on the
    field it concerns, so API clients can react to codes rather than messages."""
    if not hasattr(exc, "error_dict"):
        return exc
    fields: dict[str, list[ValidationError]] = {}
    for field, errors in exc.error_dict.items():
        for error in errors:
            code = _code(field, error)
            target = "valid_until" if code == RegistryError.DATES_ORDER else field
            fields.setdefault(target, []).extend(
                ValidationError(m, code=code) for m in error.messages
            )
    return ValidationError(fields)


def _call(action: Callable[..., M], **kwargs: Any) -> M:
    try:
        return action(**kwargs)
    except ValidationError as exc:
        raise _coded(exc) from exc


# --- request bodies into service data -------------------------------------------------


def _subdistrict(pk: int) -> Subdistrict:
    found = Subdistrict.objects.select_related("station").filter(pk=pk).first()
    if found is None:
        raise invalid(INVALID, _("镇街不存在。"), field="subdistrict")
    return found


def _chain_headquarters(pk: int | None) -> Entity | None:
    if pk is None:
        return None
    found = Entity.objects.filter(
        pk=pk, entity_type=EntityType.PHARMACY_CHAIN, is_deleted=False
    ).first()
    if found is None:
        message = _("所属连锁总部须为已登记的药品零售连锁总部。")
        raise invalid(INVALID, message, field="chain_headquarters")
    return found


def _entity_data(values: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(values)
    for key in BLANK_WHEN_NONE:
        if key in data and data[key] is None:
            data[key] = ""
    if "subdistrict" in data:
        data["subdistrict"] = _subdistrict(data["subdistrict"])
    if "chain_headquarters" in data:
        data["chain_headquarters"] = _chain_headquarters(data["chain_headquarters"])
    return data


def _patch_values(payload: EntityPatch) -> dict[str, Any]:
    """Sent fields only; null means "unchanged" except where null is a value."""
    sent = payload.model_dump(exclude_unset=True, exclude={"reason"})
    nullable = {"chain_headquarters", *BLANK_WHEN_NONE}
    return {k: v for k, v in sent.items() if v is not None or k in nullable}


def _with_grid(entity: Entity) -> Entity:
    return Entity.objects.select_related("subdistrict__station").get(pk=entity.pk)


# --- entities -----------------------------------------------------------------------------


@router.get(
    "/entities",
    response={200: EntityPage, **READ_ERRORS},
    tags=["监管对象"],
    summary="监管对象列表",
    description="与监管对象列表页相同的检索和筛选条件；仅返回本人管辖范围内的对象。",
    openapi_extra={"parameters": filter_parameters(EntityFilterSet)},
)
def list_entities(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    user = allowed_user(request, READ_REGISTRY)
    base = entities_visible_to(user).select_related("subdistrict__station")
    return page_of(filtered(EntityFilterSet, request, base), paging)


@router.get(
    "/entities/{entity_id}",
    response={200: EntityOut, **DETAIL_ERRORS},
    tags=["监管对象"],
    summary="监管对象详情",
)
def get_entity(request: HttpRequest, entity_id: int) -> Entity:
    return visible_entity(allowed_user(request, READ_REGISTRY), entity_id)


@router.post(
    "/entities",
    response={201: EntityOut, **READ_ERRORS},
    tags=["监管对象"],
    summary="登记监管对象",
    description="统一社会信用代码按 GB 32100 校验；镇街须在本人管辖范围内。",
)
def create_entity(request: HttpRequest, payload: EntityIn) -> Status[Entity]:
    user = allowed_user(request, EDIT_REGISTRY)
    data = _entity_data(payload.model_dump())
    entity = _call(services.create_entity, actor=user, data=data, source="api")
    return Status(201, _with_grid(entity))


@router.patch(
    "/entities/{entity_id}",
    response={200: EntityOut, **DETAIL_ERRORS},
    tags=["监管对象"],
    summary="修改监管对象",
    description="只需提交要修改的字段，并填写修改原因（记入审计）。风险等级和信用分类另行调整。",
)
def update_entity(request: HttpRequest, entity_id: int, payload: EntityPatch) -> Entity:
    user = allowed_user(request, EDIT_REGISTRY)
    entity = visible_entity(user, entity_id)
    data = _entity_data(_patch_values(payload))
    entity = _call(
        services.update_entity, actor=user, entity=entity, data=data, reason=payload.reason
    )
    return _with_grid(entity)


# --- licences -----------------------------------------------------------------------------


@router.get(
    "/licences",
    response={200: LicencePage, **READ_ERRORS},
    tags=["许可/备案"],
    summary="证照列表",
    description="与证照到期提醒相同的筛选条件；仅返回本人管辖范围内的证照。",
    openapi_extra={"parameters": filter_parameters(LicenceFilterSet)},
)
def list_licences(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    user = allowed_user(request, READ_REGISTRY)
    base = licences_visible_to(user).select_related("entity")
    return page_of(filtered(LicenceFilterSet, request, base), paging)


@router.get(
    "/entities/{entity_id}/licences",
    response={200: list[LicenceOut], **DETAIL_ERRORS},
    tags=["许可/备案"],
    summary="某监管对象的证照",
)
def list_entity_licences(request: HttpRequest, entity_id: int) -> QuerySet[Licence]:
    user = allowed_user(request, READ_REGISTRY)
    entity = visible_entity(user, entity_id)
    return licences_visible_to(user).filter(entity=entity).select_related("entity")


@router.post(
    "/entities/{entity_id}/licences",
    response={201: LicenceOut, **DETAIL_ERRORS},
    tags=["许可/备案"],
    summary="为监管对象登记证照",
    description="备案类证照没有有效期，有效期至将被清空；有效期至须晚于有效期起。",
)
def add_licence(request: HttpRequest, entity_id: int, payload: LicenceIn) -> Status[Licence]:
    user = allowed_user(request, EDIT_REGISTRY)
    entity = visible_entity(user, entity_id)
    licence = _call(services.add_licence, actor=user, entity=entity, data=payload.model_dump())
    return Status(201, licence)


# --- products -----------------------------------------------------------------------------


@router.get(
    "/products",
    response={200: ProductPage, **READ_ERRORS},
    tags=["产品"],
    summary="产品列表",
    description="与产品目录页相同的检索和筛选条件。",
    openapi_extra={"parameters": filter_parameters(ProductFilterSet)},
)
def list_products(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    user = allowed_user(request, READ_REGISTRY)
    return page_of(filtered(ProductFilterSet, request, products_visible_to(user)), paging)


@router.get(
    "/products/{product_id}",
    response={200: ProductOut, **DETAIL_ERRORS},
    tags=["产品"],
    summary="产品详情",
)
def get_product(request: HttpRequest, product_id: int) -> Product:
    product = (
        products_visible_to(allowed_user(request, READ_REGISTRY)).filter(pk=product_id).first()
    )
    if product is None:
        raise Http404
    return product
