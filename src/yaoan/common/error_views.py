"""Error pages in Chinese with the site's navigation, and JSON with a code under /api/.

Django's own handlers render 400 and 500 without the request, and 405 responses (from
``require_POST`` and the API's router) have no page at all. Here 400, 403, 404 and 405 extend
the base template, so a signed-in user keeps the menu; 500 renders ``500.html``, which reads
neither the database nor the request (the fault may be either)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("yaoan.errors")

# status → (code, title, explanation) shown on the page and in the API's JSON
ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", N_("请求无效"), N_("请求的格式不正确，请返回上一页重新操作。")),
    403: (
        "permission_denied",
        N_("无权访问"),
        N_("您没有访问此页面的权限。如需开通，请联系本单位安全管理员。"),
    ),
    404: ("not_found", N_("页面不存在"), N_("您访问的页面不存在，或不在您的管辖范围内。")),
    405: (
        "method_not_allowed",
        N_("不支持的操作"),
        N_("此页面不支持这种请求方式，请从页面上的按钮操作。"),
    ),
    500: (
        "server_error",
        N_("服务器内部错误"),
        N_("系统出现故障，已记录。请稍后再试，或联系系统管理员。"),
    ),
}


def _json(status: int, detail: str | None = None) -> JsonResponse:
    code, title, _text = ERRORS[status]
    return JsonResponse({"detail": detail or _(title), "code": code}, status=status)


def error_page(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    """The page for ``status`` with navigation, or JSON under /api/."""
    if request.path.startswith("/api/"):
        return _json(status, detail or None)
    _code, title, text = ERRORS[status]
    context = {"status": status, "title": _(title), "text": _(text), "detail": detail}
    try:
        body = loader.render_to_string("common/error.html", context, request)
    except Exception:  # the navigation needs the database and the session: keep the page
        logger.exception("error page %s rendered without navigation", status)
        body = loader.render_to_string("500.html", {"status": status, "title": _(title)})
    return HttpResponse(body, status=status)


def _message(exception: Exception | None) -> str:
    """A refusal's own message when it is ours (Chinese), not Django's stock English."""
    text = str(exception.args[0]) if exception is not None and exception.args else ""
    return text if text and not text.isascii() else ""


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403, _message(exception))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, _("页面已过期或来源无法验证，请刷新页面后重新提交。"))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return _json(500)
    body = loader.render_to_string("500.html", {"status": 500, "title": _(ERRORS[500][1])})
    return HttpResponse(body, status=500)


class MethodNotAllowedPageMiddleware:
    """A bare 405 (``require_POST``, the API router) becomes the page, or JSON under /api/,
    keeping its Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        page = error_page(request, 405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
