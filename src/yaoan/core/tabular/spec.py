"""What a module declares to get an Excel import: its columns and the row handler that
calls its service. The layer gives it the upload page, the template, the job with its
progress, both modes and the error report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yaoan.core.models import User
from yaoan.core.tabular.columns import Column

DEFAULT_MAX_ROWS = 10_000
MAX_COLUMNS = 60
IGNORED_HEADERS = frozenset({"序号", "备注"})


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("全有或全无：任何一行有错误，所有数据均不写入")
    VALID_ROWS = "valid", _("只导入正确的行：有错误的行不写入，其余行写入")


class RowRejected(Exception):
    """Raised by a row handler: the service refused the row, for these (key, message)
    reasons; a key that is no column's ("" for the row as a whole) shows as "—"."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass(frozen=True)
class RowError:
    row: int | None  # the Excel row number; None for the file as a whole
    column: str  # the column's header, "—" for none
    reason: str
    value: str = ""  # the cell as it was in the file

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class ParsedRow:
    number: int
    raw: dict[str, str]  # column key → the cell as it was in the file
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    bad_keys: set[str] = field(default_factory=set)

    def reject(self, column: Column | None, reason: str) -> None:
        if column is not None:
            self.bad_keys.add(column.key)
        header = str(column.header) if column is not None else "—"
        value = self.raw.get(column.key, "") if column is not None else ""
        self.errors.append(RowError(self.number, header, reason, value))


@dataclass(frozen=True)
class ImportUrls:
    """URL names (with namespace) of the pages an import is reached by."""

    upload: str
    template: str
    job: str
    errors: str
    done: str  # where a finished import leads, e.g. the list of what was imported


@dataclass
class ImportSpec:
    """One kind of import.

    ``context(user)`` builds what a run needs to read labels for that user (lookups,
    scope), once per run; ``write_row(context, data)`` writes one row through the app's
    service and raises ValidationError, PermissionDenied or RowRejected when the service
    refuses it. ``check_row(context, data)``, when given, is the service's validation
    without writing: it completes the report of a row whose other cells were unreadable.
    ``path`` is the dotted path of this object, by which the task worker finds it.
    """

    kind: str
    path: str
    title: str | Promise
    sheet_name: str | Promise
    columns: tuple[Column, ...]
    context: Callable[[User], Any]
    write_row: Callable[[Any, dict[str, Any]], Any]
    may_import: Callable[[User], bool]
    denied_action: str
    urls: ImportUrls
    check_row: Callable[[Any, dict[str, Any]], None] | None = None
    help_lines: Callable[[], Iterable[str]] = lambda: ()
    example: Callable[[Any], Mapping[str, str]] = lambda context: {}
    max_rows: int = DEFAULT_MAX_ROWS
    # columns people add to any list, skipped without complaint; any other header that
    # is no column's is an error, so a misspelt optional column never drops its data
    ignored_headers: frozenset[str] = IGNORED_HEADERS

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)
