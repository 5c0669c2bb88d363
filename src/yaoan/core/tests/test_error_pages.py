"""Error pages: Chinese, with the navigation for a signed-in user, sized for a phone; 500
renders without the database or the request's user; JSON with a code under /api/."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from yaoan.common.error_views import server_error
from yaoan.common.testing import UserFactory, sign_in
from yaoan.core.enums import Role

pytestmark = pytest.mark.django_db

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


@pytest.fixture
def inspector_client(client: Client) -> Client:
    sign_in(client, UserFactory(roles=[Role.INSPECTOR]))
    return client


def test_404_for_a_signed_in_inspector_is_chinese_with_navigation(
    inspector_client: Client,
) -> None:
    response = inspector_client.get("/registry/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in html
    assert '<nav class="mainnav">' in html and '<a href="/registry/' in html
    assert VIEWPORT in html
    assert "Not Found" not in html


def test_403_is_chinese_with_navigation(inspector_client: Client) -> None:
    response = inspector_client.get("/audit/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权访问</h1>" in html
    assert '<nav class="mainnav">' in html


def test_405_from_require_post_is_a_chinese_page_keeping_allow(
    inspector_client: Client,
) -> None:
    response = inspector_client.get("/accounts/logout/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "<h1>不支持的操作</h1>" in response.content.decode()


def test_csrf_failure_is_a_chinese_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期或来源无法验证" in response.content.decode()


def test_500_renders_without_a_database_query_or_a_user(
    django_assert_num_queries: object,
) -> None:
    request = RequestFactory().get("/registry/entities/")
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>服务器内部错误</h1>" in html
    assert VIEWPORT in html and 'href="/home/"' in html


def test_api_errors_outside_any_operation_are_json_with_a_code(client: Client) -> None:
    missing = client.get("/api/no-such-thing")
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "页面不存在", "code": "not_found"},
    )
    request = RequestFactory().get("/api/registry/entities")
    crashed = server_error(request)
    assert crashed.status_code == 500
    assert crashed["Content-Type"] == "application/json"


def test_api_wrong_method_is_json_405(client: Client) -> None:
    response = client.get("/api/inspections/1/submit")
    assert response.status_code == 405
    assert response.json() == {"detail": "不支持的操作", "code": "method_not_allowed"}


def test_400_for_a_host_we_do_not_serve_is_a_chinese_page(client: Client) -> None:
    response = client.get("/home/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()
