"""Column specs of an import file and the reading of one cell by its column's type.

A column turns a cell into the value the app's service takes: a choice label into its
code, "是"/"否" into a bool, a text-formatted identifier into its normalised text. Rules
about the value itself (lengths, check digits, uniqueness, scope) are the service's: the
layer never keeps a second copy of them.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common import xlsx

YES = frozenset({"是", "Y", "YES", "TRUE", "1", "√"})
NO = frozenset({"否", "N", "NO", "FALSE", "0"})
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class ColumnType(enum.Enum):
    TEXT = "text"
    IDENTIFIER = "identifier"  # codes and numbers that are names: read as text only
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"


# what a person reads in the template about each type
TYPE_HINTS = {
    ColumnType.TEXT: gettext_lazy("文本"),
    ColumnType.IDENTIFIER: gettext_lazy("文本格式的代码（勿用数字格式）"),
    ColumnType.INT: gettext_lazy("整数"),
    ColumnType.DECIMAL: gettext_lazy("数字"),
    ColumnType.DATE: gettext_lazy("日期，如 2026-01-31"),
    ColumnType.CHOICE: gettext_lazy("从下拉列表中选择"),
    ColumnType.BOOL: gettext_lazy("是 / 否"),
}


class CellProblem(ValueError):
    """A cell that cannot be read as its column's type; the message names the reason."""


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``key`` is the name the row handler receives (usually the model field); ``header`` the
    Chinese column title, ``aliases`` other titles accepted for it. ``parse`` replaces the
    type's reading for values that need the importing user's context (e.g. a grid name
    looked up in their scope); ``options`` then gives the template's dropdown labels.
    """

    key: str
    header: str | Promise
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[tuple[str, str | Promise], ...] = ()  # (value, label)
    max_length: int | None = None
    help_text: str | Promise = ""
    default: Any = None
    unique: bool = False  # no two rows of one file may hold the same value
    parse: Callable[[Any, Any], Any] | None = None  # (cell, context) → value
    options: Callable[[Any], list[str]] | None = None  # context → dropdown labels

    @property
    def is_identifier(self) -> bool:
        """Whether the template formats the column as text ("@") with a note saying so."""
        return self.type is ColumnType.IDENTIFIER

    @property
    def has_dropdown(self) -> bool:
        return self.type in (ColumnType.CHOICE, ColumnType.BOOL) or self.options is not None

    def dropdown(self, context: Any) -> list[str]:
        if self.options is not None:
            return self.options(context)
        if self.type is ColumnType.BOOL:
            return [_("是"), _("否")]
        return [str(label) for value, label in self.choices if value]


def choice_pairs(
    choices: type[models.TextChoices] | Sequence[tuple[Any, Any]],
) -> tuple[tuple[str, str | Promise], ...]:
    """(value, label) pairs; labels stay lazy, read in the file's language when used."""
    pairs = choices.choices if isinstance(choices, type) else choices
    return tuple((str(value), label) for value, label in pairs)


def model_column(model: type[models.Model], name: str, **overrides: Any) -> Column:
    """A column described by a model field: its verbose name as header, its max length
    and choices for the template, required unless the field may be blank or has a
    default, its type from
    the field's class. Every keyword of Column may be given to override them. Texts stay
    lazy: they are read when a file is made or read, in the file's language."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    described: dict[str, Any] = {
        "header": field.verbose_name,
        "required": not field.blank and not field.has_default(),
        "max_length": getattr(field, "max_length", None),
        "help_text": field.help_text or "",
    }
    if field.choices:
        described.update(type=ColumnType.CHOICE, choices=choice_pairs(field.choices))
    elif isinstance(field, models.BooleanField):
        described.update(type=ColumnType.BOOL, required=False)
    elif isinstance(field, models.DateField):
        described["type"] = ColumnType.DATE
    elif isinstance(field, models.IntegerField):
        described["type"] = ColumnType.INT
    elif isinstance(field, models.DecimalField):
        described["type"] = ColumnType.DECIMAL
    if field.has_default() and not callable(field.default):
        described["default"] = field.default
    described.update(overrides)
    return Column(key=name, **described)


# --- reading one cell -----------------------------------------------------------------


def blank_value(column: Column) -> Any:
    if column.default is not None:
        return column.default
    if column.type is ColumnType.BOOL:
        return False
    if column.type in (ColumnType.INT, ColumnType.DECIMAL, ColumnType.DATE):
        return None
    return ""


def parse_cell(column: Column, value: Any, context: Any) -> Any:
    """The cell as the value the service takes; CellProblem when it cannot be read."""
    if xlsx.is_blank(value):
        if column.required:
            raise CellProblem(_("必填项，不能为空"))
        return blank_value(column)
    if column.parse is not None:
        return column.parse(value, context)
    reader = READERS[column.type]
    return reader(column, value)


def _text(column: Column, value: Any) -> str:
    return xlsx.cell_text(value)


def _identifier(column: Column, value: Any) -> str:
    try:
        return xlsx.id_text(value)
    except xlsx.CellTypeError as exc:
        raise CellProblem(str(exc)) from exc


def _int(column: Column, value: Any) -> int:
    if isinstance(value, bool):
        raise CellProblem(_("应填写整数，实际为“%(value)s”") % {"value": xlsx.cell_text(value)})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = xlsx.normalise_code(xlsx.cell_text(value)).replace(",", "")
    if re.fullmatch(r"[+-]?\d{1,18}", text):
        return int(text)
    raise CellProblem(_("应填写整数，实际为“%(value)s”") % {"value": xlsx.cell_text(value)})


def _decimal(column: Column, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellProblem(_("应填写数字，实际为“%(value)s”") % {"value": xlsx.cell_text(value)})
    text = repr(value) if isinstance(value, float) else xlsx.normalise_code(xlsx.cell_text(value))
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        message = _("应填写数字，实际为“%(value)s”") % {"value": xlsx.cell_text(value)}
        raise CellProblem(message) from exc
    if not number.is_finite():
        raise CellProblem(_("应填写数字，实际为“%(value)s”") % {"value": xlsx.cell_text(value)})
    return number


def _date(column: Column, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = DATE_TEXT.match(unicodedata.normalize("NFKC", xlsx.cell_text(value)))
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    message = _("应填写日期（如 2026-01-31），实际为“%(value)s”")
    raise CellProblem(message % {"value": xlsx.cell_text(value)})


def choice_map(column: Column) -> dict[str, str]:
    """Label → value, and upper-cased value → value (a file may hold either)."""
    mapping = {str(label): value for value, label in column.choices}
    mapping.update({value.upper(): value for value, _label in column.choices if value})
    return mapping


def _choice(column: Column, value: Any) -> str:
    text = xlsx.cell_text(value)
    mapping = choice_map(column)
    found = mapping.get(text)
    if found is None:
        found = mapping.get(text.upper())
    if found is None:
        raise CellProblem(
            _("“%(value)s”不是可选的%(header)s，请从下拉列表中选择")
            % {"value": text, "header": str(column.header)}
        )
    return found


def _bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = xlsx.cell_text(value).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellProblem(_("应填“是”或“否”，实际为“%(value)s”") % {"value": xlsx.cell_text(value)})


READERS: dict[ColumnType, Callable[[Column, Any], Any]] = {
    ColumnType.TEXT: _text,
    ColumnType.IDENTIFIER: _identifier,
    ColumnType.INT: _int,
    ColumnType.DECIMAL: _decimal,
    ColumnType.DATE: _date,
    ColumnType.CHOICE: _choice,
    ColumnType.BOOL: _bool,
}
