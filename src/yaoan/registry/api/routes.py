"""Registry API routes. They only validate and delegate: reads go through the scoped
queries and the same FilterSets as the list pages, writes through registry.services."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from yaoan.common.paging import MAX_PAGE
from yaoan.core.access import allowed_user
from yaoan.core.models import Subdistrict, User
from yaoan.core.rules import can_edit_registry, can_read_registry
from yaoan.registry import services
from yaoan.registry.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    EntityIn,
    EntityOut,
    EntityPage,
    EntityPatch,
    ErrorOut,
    LicenceIn,
    LicenceOut,
    LicencePage,
    ProductOut,
    ProductPage,
    ValidationErrorOut,
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
READ_ERRORS: dict[int | tuple[int, ...], Any] = {
    401: ErrorOut,
    403: ErrorOut,
    422: ValidationErrorOut,
}
DETAIL_ERRORS = {**READ_ERRORS, 404: ErrorOut}
BLANK_WHEN_NONE = ("medical_level", "device_class")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，从 1 开始")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最多 {MAX_PAGE_SIZE}"
    )


# --- who is asking -------------------------------------------------------------------


def _reader(request: HttpRequest) -> User:
    return allowed_user(
        request, can_read_registry, "registry.access.denied", _("您无权查看监管对象信息。")
    )


def _editor(request: HttpRequest) -> User:
    return allowed_user(
        request, can_edit_registry, "registry.access.denied", _("您无权修改监管对象信息。")
    )


# --- filters: the list pages' FilterSets, documented as query parameters ------------------


def _filter_schema(flt: django_filters.Filter) -> tuple[dict[str, Any], str]:
    choices = flt.extra.get("choices")
    if isinstance(flt, django_filters.OrderingFilter):
        fields = [str(code) for code, _label in choices]
        return {"type": "string", "enum": fields}, "（字段名，前加 - 表示降序）"
    if choices and not callable(choices):
        pairs = [(str(code), str(label)) for code, label in choices if code != ""]
        listed = "；".join(f"{code}={label}" for code, label in pairs)
        return {"type": "string", "enum": [code for code, _label in pairs]}, f"。取值：{listed}"
    if isinstance(flt, django_filters.NumberFilter | django_filters.ModelChoiceFilter):
        return {"type": "integer"}, "（编号）"
    if isinstance(flt, django_filters.BooleanFilter):
        return {"type": "boolean"}, ""
    max_length = flt.extra.get("max_length")
    return ({"type": "string", "maxLength": max_length} if max_length else {"type": "string"}), ""


def filter_parameters(filterset_class: type[django_filters.FilterSet]) -> list[dict[str, Any]]:
    """OpenAPI query parameters for every filter of a FilterSet, so the document shows
    exactly the filters of the list page."""
    parameters = []
    for name, flt in filterset_class.base_filters.items():
        schema, extra = _filter_schema(flt)
        label = str(flt.label or name)
        parameters.append(
            {
                "in": "query",
                "name": name,
                "required": False,
                "schema": schema,
                "description": f"{label}{extra}",
            }
        )
    return parameters


def _filtered(
    filterset_class: type[django_filters.FilterSet], request: HttpRequest, qs: QuerySet[M]
) -> QuerySet[M]:
    filterset = filterset_class(request.GET, queryset=qs)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    result: QuerySet[M] = filterset.qs
    return result


def page_of(
    qs: QuerySet[M], params: PageParams, shape: Callable[[M], Any] | None = None
) -> dict[str, Any]:
    """One page in the API's paging shape (count, page, page_size, results); every app's
    list endpoints use it. ``shape`` turns a row into its JSON form when the schema
    cannot read the model directly."""
    start = (params.page - 1) * params.page_size
    rows = list(qs[start : start + params.page_size])
    return {
        "count": qs.count(),
        "page": params.page,
        "page_size": params.page_size,
        "results": [shape(row) for row in rows] if shape else rows,
    }


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
        raise ValidationError({"subdistrict": [ValidationError(_("镇街不存在。"), code="invalid")]})
    return found


def _chain_headquarters(pk: int | None) -> Entity | None:
    if pk is None:
        return None
    found = Entity.objects.filter(
        pk=pk, entity_type=EntityType.PHARMACY_CHAIN, is_deleted=False
    ).first()
    if found is None:
        message = _("所属连锁总部须为已登记的药品零售连锁总部。")
        raise ValidationError({"chain_headquarters": [ValidationError(message, code="invalid")]})
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
    user = _reader(request)
    base = entities_visible_to(user).select_related("subdistrict__station")
    return page_of(_filtered(EntityFilterSet, request, base), paging)


@router.get(
    "/entities/{entity_id}",
    response={200: EntityOut, **DETAIL_ERRORS},
    tags=["监管对象"],
    summary="监管对象详情",
)
def get_entity(request: HttpRequest, entity_id: int) -> Entity:
    return visible_entity(_reader(request), entity_id)


@router.post(
    "/entities",
    response={201: EntityOut, **READ_ERRORS},
    tags=["监管对象"],
    summary="登记监管对象",
    description="统一社会信用代码按 GB 32100 校验；镇街须在本人管辖范围内。",
)
def create_entity(request: HttpRequest, payload: EntityIn) -> Status[Entity]:
    user = _editor(request)
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
    user = _editor(request)
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
    user = _reader(request)
    base = licences_visible_to(user).select_related("entity")
    return page_of(_filtered(LicenceFilterSet, request, base), paging)


@router.get(
    "/entities/{entity_id}/licences",
    response={200: list[LicenceOut], **DETAIL_ERRORS},
    tags=["许可/备案"],
    summary="某监管对象的证照",
)
def list_entity_licences(request: HttpRequest, entity_id: int) -> QuerySet[Licence]:
    user = _reader(request)
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
    user = _editor(request)
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
    user = _reader(request)
    return page_of(_filtered(ProductFilterSet, request, products_visible_to(user)), paging)


@router.get(
    "/products/{product_id}",
    response={200: ProductOut, **DETAIL_ERRORS},
    tags=["产品"],
    summary="产品详情",
)
def get_product(request: HttpRequest, product_id: int) -> Product:
    product = products_visible_to(_reader(request)).filter(pk=product_id).first()
    if product is None:
        raise Http404
    return product
