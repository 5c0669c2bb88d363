"""The JSON API: one NinjaAPI, each app's router mounted under its name; OpenAPI at /api/docs.

Every operation needs a staff token or a two-factor browser session (core.api_auth); the
document itself (/api/docs, /api/openapi.json) is readable without one. Errors come back
as JSON with a Chinese ``detail``; validation errors as a list of
``{"field", "message", "code"}`` whether pydantic or a service found them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from yaoan.core.api_auth import ApiTokenAuth, TokenScopeError, VerifiedSessionAuth
from yaoan.registry.api.routes import router as registry_router

DESCRIPTION = """药安的 JSON 接口。

**认证**：在请求头中携带 `Authorization: Bearer ya_…`（工作人员在个人设置中申领的 API 令牌），
或在同源页面中使用已通过双因素登录的会话（修改类请求须带 CSRF 令牌）。

**数据范围**：所有接口只返回本人管辖范围内的数据；请求其他辖区的对象返回 404，并记入审计日志。

**错误**：401 未认证，403 无权限，404 不存在，422 校验失败（`detail` 为逐字段的错误列表，
`code` 为错误代码）。联系电话等个人信息始终脱敏返回。
"""

api = NinjaAPI(
    title="药安 yaoan API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    auth=[ApiTokenAuth(), VerifiedSessionAuth()],
)
api.add_router("/registry/", registry_router)
api.add_router("/inspections/", "yaoan.inspections.api.routes.router")
api.add_router("/public/", "yaoan.inspections.api.routes.public_router")
api.add_router("/plans/", "yaoan.plans.api.routes.router")
api.add_router("/draws/", "yaoan.draws.api.routes.router")
# executing a draw schedules its visits: inspections' route, under the draws path
api.add_router("/draws/", "yaoan.inspections.api.draws.draw_router")
api.add_router("/trace/", "yaoan.trace.api.routes.router")
api.add_router("/intake/", "yaoan.intake.api.routes.router")


# --- errors as JSON with Chinese messages --------------------------------------------------

PYDANTIC_MESSAGES = {
    "missing": N_("此字段为必填项。"),
    "string_too_short": N_("长度不能少于 %(min_length)s 个字符。"),
    "string_too_long": N_("长度不能超过 %(max_length)s 个字符。"),
    "string_type": N_("应为字符串。"),
    "enum": N_("取值无效，可选值：%(expected)s。"),
    "literal_error": N_("取值无效，可选值：%(expected)s。"),
    "int_parsing": N_("应为整数。"),
    "int_type": N_("应为整数。"),
    "int_from_float": N_("应为整数。"),
    "bool_parsing": N_("应为 true 或 false。"),
    "bool_type": N_("应为 true 或 false。"),
    "greater_than_equal": N_("不能小于 %(ge)s。"),
    "less_than_equal": N_("不能大于 %(le)s。"),
    "date_parsing": N_("日期格式应为 YYYY-MM-DD。"),
    "date_from_datetime_parsing": N_("日期格式应为 YYYY-MM-DD。"),
    "date_type": N_("日期格式应为 YYYY-MM-DD。"),
    "json_invalid": N_("请求体不是有效的 JSON。"),
    "model_attributes_type": N_("请求体应为 JSON 对象。"),
    "dict_type": N_("请求体应为 JSON 对象。"),
}


def _pydantic_field(loc: list[Any]) -> str | None:
    # ["body", "payload", "uscc"] → "uscc"; ["query", "page_size"] → "page_size"
    parts = [str(p) for p in loc[2:]] if loc and loc[0] == "body" else [str(p) for p in loc[1:]]
    return ".".join(parts) or None


def _pydantic_message(error: dict[str, Any]) -> str:
    template = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return _("取值无效（%(reason)s）。") % {"reason": error.get("msg", "")}
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    try:
        return _(template) % context
    except KeyError:
        return _(template)


def _django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        groups = list(exc.error_dict.items())
    else:
        groups = [(NON_FIELD_ERRORS, exc.error_list)]
    return [
        {
            "field": None if field == NON_FIELD_ERRORS else field,
            "message": message,
            "code": error.code or "invalid",
        }
        for field, errors in groups
        for error in errors
        for message in error.messages
    ]


def _json(request: HttpRequest, data: Any, status: int) -> HttpResponse:
    return api.create_response(request, data, status=status)


@api.exception_handler(NinjaValidationError)
def request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = [
        {
            "field": _pydantic_field(list(error.get("loc", []))),
            "message": _pydantic_message(error),
            "code": error.get("type", "invalid"),
        }
        for error in exc.errors
    ]
    return _json(request, {"detail": detail}, 422)


# a state change the workflow does not allow from the current state is a conflict (S19)
CONFLICT_CODES = frozenset({"illegal_transition", "approver_is_submitter", "guard_failed"})
# a file over the upload limit is refused as too large (S22)
TOO_LARGE_CODES = frozenset({"attachment_too_large"})


@api.exception_handler(DjangoValidationError)
def service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = _django_errors(exc)
    codes = {e["code"] for e in errors}
    status = 413 if codes & TOO_LARGE_CODES else 409 if codes & CONFLICT_CODES else 422
    return _json(request, {"detail": errors}, status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else _("请提供有效的 API 令牌或先登录。")
    response = _json(request, {"detail": message}, 401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _json(request, {"detail": str(exc) or _("您无权执行此操作。")}, 403)


@api.exception_handler(TokenScopeError)
def token_read_only(request: HttpRequest, exc: TokenScopeError) -> HttpResponse:
    detail = [{"field": None, "message": str(exc), "code": exc.code}]
    return _json(request, {"detail": detail}, 403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(request, {"detail": _("未找到。")}, 404)


# included from yaoan.urls as include("yaoan.api"): app_name gives ninja its "api" namespace
app_name = api.urls_namespace
urlpatterns = [
    *api.urls[0],
]
