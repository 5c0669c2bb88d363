"""The shapes every app's API shares: row ids in requests, and the error bodies (yaoan.api
writes them; these schemas document them in OpenAPI)."""

from __future__ import annotations

from typing import Annotated, Any

from django.db import models
from ninja import Field, Schema

from yaoan.common.paging import MAX_ID

# an id in a request body or query: a larger number than the columns hold is a 422 with a
# message, not a server error
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


def choices_text(label: str, choices: type[models.TextChoices]) -> str:
    """“类型。取值：cdc=疾控机构；…” — the codes of an enumeration with their labels."""
    codes = "；".join(f"{value or '空字符串'}={name}" for value, name in choices.choices)
    return f"{label}。取值：{codes}"


class ErrorOut(Schema):
    detail: str = Field(description="错误说明（中文）")
    code: str | None = Field(
        None, description="错误代码，如 not_authenticated、permission_denied、not_found"
    )


class FieldError(Schema):
    field: str | None = Field(description="出错的字段名；与具体字段无关时为 null")
    message: str = Field(description="错误说明（中文）")
    code: str = Field(
        description="错误代码，如 required、invalid、illegal_transition、reason_required"
    )


class ValidationErrorOut(Schema):
    detail: list[FieldError] = Field(description="逐字段的错误")


# the error responses of an operation, for its ``response=`` (OpenAPI)
READ_ERRORS: dict[int | tuple[int, ...], Any] = {
    401: ErrorOut,
    403: ErrorOut,
    422: ValidationErrorOut,
}
DETAIL_ERRORS: dict[int | tuple[int, ...], Any] = {**READ_ERRORS, 404: ErrorOut}
# a step the object's current state refuses (S19)
WRITE_ERRORS: dict[int | tuple[int, ...], Any] = {**DETAIL_ERRORS, 409: ValidationErrorOut}
