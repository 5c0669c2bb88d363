"""The JSON API: one NinjaAPI, each app's router mounted under its name; OpenAPI at /api/docs.

Every operation needs a staff token or a two-factor browser session (core.api_auth); the
document itself (/api/docs, /api/openapi.json) is readable without one. Errors come back
as JSON with a Chinese ``detail``; validation errors as a list of
``{"field", "message", "code"}`` whether pydantic or a service found them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from yaoan.common.errors import ConflictCode, ErrorCode, TooLargeCode
from yaoan.common.text import find_unencodable
from yaoan.core.api_auth import ApiTokenAuth, TokenScopeError, VerifiedSessionAuth

DESCRIPTION = """药安的 JSON 接口。

**认证**：在请求头中携带 `Authorization: Bearer ya_…`（工作人员在个人设置中申领的 API 令牌），
或在同源页面中使用已通过双因素登录的会话（修改类请求须带 CSRF 令牌）。

**数据范围**：所有接口只返回本人管辖范围内的数据；请求其他辖区的对象返回 404，并记入审计日志。

**错误**：均为 JSON。400 请求体无法解析，401 未认证，403 无权限，404 不存在，413 请求体过大，
500 服务器内部错误（`detail` 为说明，`code` 为错误代码）；422 校验失败（`detail` 为逐字段的
错误列表，每项含 `field`、`message`、`code`；含无法识别字符的文本为 `invalid_text`）。
联系电话等个人信息始终脱敏返回。
"""

logger = logging.getLogger("yaoan.api")


class UnencodableTextError(ValueError):
    """A string in the request body that cannot be stored (a lone UTF-16 surrogate)."""

    def __init__(self, path: tuple[str | int, ...]) -> None:
        super().__init__(path)
        self.field = ".".join(str(part) for part in path) or None


class StorableJsonParser(Parser):
    """JSON whose every string can be stored: a "\\ud800" escape is refused here, once for
    every operation, instead of failing in the database driver as a server error."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        path = find_unencodable(data)
        if path is not None:
            raise UnencodableTextError(path)
        return data


api = NinjaAPI(
    title="药安 yaoan API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    auth=[ApiTokenAuth(), VerifiedSessionAuth()],
    parser=StorableJsonParser(),
)
api.add_router("/registry/", "yaoan.registry.api.routes.router")
api.add_router("/inspections/", "yaoan.inspections.api.routes.router")
api.add_router("/public/", "yaoan.inspections.api.routes.public_router")
api.add_router("/plans/", "yaoan.plans.api.routes.router")
api.add_router("/staff/", "yaoan.staff.api.routes.router")
api.add_router("/draws/", "yaoan.draws.api.routes.router")
# executing a draw schedules its visits: inspections' route, under the draws path
api.add_router("/draws/", "yaoan.inspections.api.draws.draw_router")
api.add_router("/trace/", "yaoan.trace.api.routes.router")
api.add_router("/intake/", "yaoan.intake.api.routes.router")
api.add_router("/clues/", "yaoan.clues.api.routes.router")
api.add_router("/complaints/", "yaoan.complaints.api.routes.router")
api.add_router("/cases/", "yaoan.cases.api.routes.router")
# 行刑衔接 and 挂牌督办 under the same prefix (transfers/, supervisions/)
api.add_router("/cases/", "yaoan.cases.api.beyond_routes.router")
# the discretion part of cases (assessment, 处罚到人, 严重失信主体名单): a prefix of its
# own, since the cases router's /{pk}/{action} would take /{pk}/assessment
api.add_router("/penalties/", "yaoan.cases.api.penalty_routes.router")


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
    "list_type": N_("应为列表。"),
    "too_long": N_("最多 %(max_length)s 项。"),
    "too_short": N_("至少 %(min_length)s 项。"),
    "float_parsing": N_("应为数字。"),
    "float_type": N_("应为数字。"),
    "decimal_parsing": N_("应为数字。"),
    "datetime_parsing": N_("时间格式应为 ISO 8601，如 2026-01-02T10:00:00+08:00。"),
    "datetime_type": N_("时间格式应为 ISO 8601，如 2026-01-02T10:00:00+08:00。"),
    "invalid_text": N_("含有无法识别的字符（如不成对的 UTF-16 代理项），请检查后重新输入。"),
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


# the HTTP status of a coded error is its kind's (yaoan.common.errors), the first that
# applies: a file over the upload limit is too large (S22), a step the current state does
# not allow a conflict (S19); any other code is invalid input
STATUS_OF_KIND: tuple[tuple[type[ErrorCode], int], ...] = ((TooLargeCode, 413), (ConflictCode, 409))


def _status(codes: list[Any]) -> int:
    for kind, status in STATUS_OF_KIND:
        if any(isinstance(code, kind) for code in codes):
            return status
    return 422


@api.exception_handler(DjangoValidationError)
def service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = _django_errors(exc)
    status = _status([e["code"] for e in errors])
    return _json(request, {"detail": errors}, status)


def _coded(request: HttpRequest, message: str, code: str, status: int) -> HttpResponse:
    return _json(request, {"detail": message, "code": code}, status)


HTTP_ERROR_CODES = {403: "permission_denied", 404: "not_found", 429: "too_many_requests"}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (an unreadable body and the like), in Chinese and coded."""
    cause = exc.__cause__
    if isinstance(cause, UnencodableTextError):
        message = _(PYDANTIC_MESSAGES["invalid_text"])
        error = {"field": cause.field, "message": message, "code": "invalid_text"}
        return _json(request, {"detail": [error]}, 422)
    if isinstance(cause, RequestDataTooBig):
        return too_large(request, cause)
    if exc.status_code == 400:
        return _coded(request, _(PYDANTIC_MESSAGES["json_invalid"]), "json_invalid", 400)
    code = HTTP_ERROR_CODES.get(exc.status_code, "http_error")
    return _coded(request, str(exc), code, exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message if exc.message != "Unauthorized" else _("请提供有效的 API 令牌或先登录。")
    response = _coded(request, message, "not_authenticated", 401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _coded(request, str(exc) or _("您无权执行此操作。"), "permission_denied", 403)


@api.exception_handler(TokenScopeError)
def token_read_only(request: HttpRequest, exc: TokenScopeError) -> HttpResponse:
    detail = [{"field": None, "message": str(exc), "code": exc.code}]
    return _json(request, {"detail": detail}, 403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _coded(request, _("未找到。"), "not_found", 404)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _coded(request, _("请求体过大。"), "too_large", 413)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A fault of ours: logged with its traceback, answered as JSON (never an HTML page)."""
    logger.error("API %s %s failed", request.method, request.path, exc_info=exc)
    return _coded(request, _("服务器内部错误，请稍后再试或联系系统管理员。"), "server_error", 500)


# included from yaoan.urls as include("yaoan.api"): app_name gives ninja its "api" namespace
app_name = api.urls_namespace
urlpatterns = [
    *api.urls[0],
]
