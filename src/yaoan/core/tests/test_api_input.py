"""Bad input to every API operation, found by walking the OpenAPI document: a lone UTF-16
surrogate or an over-long string in any text field is a JSON 422 with a code, never a
server error; every text field declares its length."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from yaoan.common.testing import UserFactory
from yaoan.core.enums import Role
from yaoan.core.services import issue_api_token

# a string of one of these formats or an enumeration is bounded by what it may hold
BOUNDED_FORMATS = {"date", "date-time", "binary", "uuid", "time"}


@pytest.fixture
def openapi(client: Client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def headers(db: Any) -> dict[str, str]:
    user = UserFactory(roles=[Role.INSPECTOR])
    _, key = issue_api_token(user=user, name="坏输入测试")
    return {"Authorization": f"Bearer {key}"}


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    if "anyOf" in schema:  # an optional field: str | None
        options = [_resolve(doc, s) for s in schema["anyOf"] if s.get("type") != "null"]
        if len(options) == 1:
            return {**options[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
    return schema


def _string_fields(
    doc: dict[str, Any], schema: dict[str, Any], path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(path, schema) of every free-text string a request body may carry."""
    schema = _resolve(doc, schema)
    kind = schema.get("type")
    if kind == "string" and "enum" not in schema and schema.get("format") not in BOUNDED_FORMATS:
        yield path, schema
    elif kind == "array":
        yield from _string_fields(doc, schema.get("items", {}), (*path, 0))
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            yield from _string_fields(doc, prop, (*path, name))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            yield from _string_fields(doc, extra, (*path, "键值"))


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            url = re.sub(r"\{[^}]+\}", "1", path)
            yield method, url, operation


def _body_fields(doc: dict[str, Any]) -> list[tuple[str, str, tuple[str | int, ...], dict]]:
    found = []
    for method, url, operation in _operations(doc):
        content = operation.get("requestBody", {}).get("content", {})
        body = content.get("application/json", {}).get("schema")
        if body is None:
            continue
        for path, schema in _string_fields(doc, body):
            found.append((method, url, path, schema))
    return found


def _body(path: tuple[str | int, ...], value: str) -> str:
    """A JSON body with ``value`` at ``path``, written by hand so a lone surrogate escape
    reaches the server as the six characters a client sends."""
    text = json.dumps(value) if not value.startswith("\\ud") else f'"{value}"'
    for part in reversed(path):
        text = f"[{text}]" if isinstance(part, int) else f"{{{json.dumps(part)}: {text}}}"
    return text


def test_api_has_operations_with_text_fields(openapi: dict[str, Any]) -> None:
    fields = _body_fields(openapi)
    operations = {(method, url) for method, url, _, _ in fields}
    assert len(operations) >= 12  # the walk finds the operations it must test


@pytest.mark.django_db
def test_lone_surrogate_in_any_text_field_is_a_coded_422(
    client: Client, openapi: dict[str, Any], headers: dict[str, str]
) -> None:
    failures = []
    for method, url, path, _ in _body_fields(openapi):
        path = tuple(p for p in path if p != "键值") + (("k",) if "键值" in path else ())
        body = _body(path, "\\ud800")
        response = client.generic(
            method.upper(), url, body, content_type="application/json", headers=headers
        )
        field = ".".join(str(p) for p in path)
        expected = {
            "field": field,
            "message": "含有无法识别的字符（如不成对的 UTF-16 代理项），请检查后重新输入。",
            "code": "invalid_text",
        }
        if response.status_code != 422 or response.json() != {"detail": [expected]}:
            failures.append((method, url, field, response.status_code, response.content[:200]))
    assert failures == []


def test_every_text_field_of_a_request_declares_its_length(openapi: dict[str, Any]) -> None:
    unbounded = [
        (method, url, ".".join(map(str, path)))
        for method, url, path, schema in _body_fields(openapi)
        if "maxLength" not in schema
    ]
    for method, url, operation in _operations(openapi):
        # a path parameter is bounded by the request line and only looks an object up
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                continue
            schema = _resolve(openapi, parameter.get("schema", {}))
            free_text = schema.get("type") == "string" and not {"enum", "format"} & set(schema)
            if free_text and "maxLength" not in schema:
                unbounded.append((method, url, parameter["name"]))
    assert unbounded == []


@pytest.mark.django_db
def test_one_megabyte_string_in_any_text_field_is_refused(
    client: Client, openapi: dict[str, Any], headers: dict[str, str]
) -> None:
    failures = []
    for method, url, path, _schema in _body_fields(openapi):
        if "键值" in path:
            continue
        body = _body(path, "药" * (1 << 20))
        response = client.generic(
            method.upper(), url, body, content_type="application/json", headers=headers
        )
        field = ".".join(str(p) for p in path)
        errors = response.json()["detail"] if response.status_code == 422 else []
        codes = {e["code"] for e in errors if e["field"] == field}
        if codes != {"string_too_long"}:
            failures.append((method, url, field, response.status_code, codes))
    assert failures == []


@pytest.mark.django_db
def test_unreadable_body_is_a_coded_400(client: Client, headers: dict[str, str]) -> None:
    response = client.post(
        "/api/inspections/", b"{not json", content_type="application/json", headers=headers
    )
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "请求体不是有效的 JSON。", "code": "json_invalid"},
    )


@pytest.mark.django_db
def test_api_refusals_carry_a_code(client: Client, headers: dict[str, str]) -> None:
    assert client.get("/api/inspections/").json()["code"] == "not_authenticated"
    missing = client.get("/api/inspections/999999", headers=headers)
    assert (missing.status_code, missing.json()) == (
        404,
        {"detail": "未找到。", "code": "not_found"},
    )


@pytest.mark.django_db
def test_body_over_the_upload_limit_is_a_coded_413(
    client: Client, headers: dict[str, str], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"reason": "x" * 2000})
    response = client.post(
        "/api/draws/1/redraw", body, content_type="application/json", headers=headers
    )
    assert (response.status_code, response.json()) == (
        413,
        {"detail": "请求体过大。", "code": "too_large"},
    )


def test_every_request_and_response_shape_has_its_own_name() -> None:
    """The OpenAPI components are keyed by the schema's class name: two apps' ``ReasonIn``
    would be documented (and tested above) as one, the later hiding the earlier."""
    import importlib
    import pkgutil

    from ninja import Schema

    import yaoan

    for module in pkgutil.walk_packages(yaoan.__path__, "yaoan."):
        if ".api." in module.name and ".tests" not in module.name:
            importlib.import_module(module.name)
    named: dict[str, set[str]] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("yaoan.") and ".tests" not in sub.__module__:
                named.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {name: places for name, places in named.items() if len(places) > 1} == {}
