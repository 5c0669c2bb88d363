"""Exports of lists to .xlsx (S25): a generic writer from column specs and an iterable
of rows. Written row by row into a write-only workbook in a temporary file (constant
memory for 100k rows; the response streams the file), personal data masked unless the
caller was allowed and asked otherwise, the exporter and the time on the first line and
in the document properties, and every export audited with its filter and row count."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any, Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.core import audit
from yaoan.core.models import User

T = TypeVar("T")
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportColumn(Generic[T]):
    """One column: its header and how a row gives its value. ``identifier`` columns are
    text cells ("@") so Excel keeps long codes; ``personal`` names the personal datum the
    column holds, shown through ``mask`` unless the export is unmasked."""

    header: str
    value: Callable[[T], Any]
    identifier: bool = False
    personal: str = ""
    mask: Callable[[Any], str] | None = None

    def cell(self, row: T, *, masked: bool) -> Any:
        value = self.value(row)
        if masked and self.personal and value:
            return self.mask(value) if self.mask else "***"
        return value


def exporter_label(user: User) -> str:
    unit = user.org_unit.name if user.org_unit else ""
    name = user.display_name or user.username
    return f"{name}（{user.username}，{unit}）" if unit else f"{name}（{user.username}）"


def choice_labels(
    model: type[models.Model], name: str, *, blank_label: bool = False
) -> Callable[[Any], str]:
    """A field's value → its label, resolved once per export (get_FOO_display per cell is
    slow); an empty value is an empty cell unless ``blank_label`` keeps the label the
    field's choices give it (e.g. 未评级)."""
    field = model._meta.get_field(name)
    labels = {str(value): str(label) for value, label in getattr(field, "choices", None) or ()}
    if not blank_label or "" not in labels:
        labels[""] = ""

    def label(row: Any) -> str:
        value = getattr(row, name)
        return labels.get(str(value), str(value))

    return label


def yes_no(name: str) -> Callable[[Any], str]:
    yes, no = _("是"), _("否")
    return lambda row: yes if getattr(row, name) else no


def masked_keys(columns: Iterable[ExportColumn[Any]]) -> list[str]:
    return [c.personal for c in columns if c.personal]


def write_table(
    rows: Iterable[T],
    columns: list[ExportColumn[T]],
    *,
    exporter: User,
    title: str | Promise,
    sheet_name: str | Promise,
    masked: bool = True,
) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file, rewound, and its row count."""
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    who = exporter_label(exporter)
    note = _("导出人：%(who)s　导出时间：%(at)s") % {"who": who, "at": at}
    personal = [c.header for c in columns if c.personal]
    if personal:
        state = _("已脱敏") if masked else _("未脱敏，请妥善保管")
        note += "　" + "、".join(personal) + state
    workbook = xlsx.new_workbook(creator=who, title=str(title), description=note)
    sheet = workbook.create_sheet(str(sheet_name))
    xlsx.text_row(sheet, [note])
    xlsx.text_row(sheet, [c.header for c in columns], bold=True)
    text_columns = frozenset(i for i, c in enumerate(columns) if c.identifier)
    count = 0
    for row in rows:
        cells = [c.cell(row, masked=masked) for c in columns]
        xlsx.text_row(sheet, cells, text_columns=text_columns)
        count += 1
    return xlsx.save_to_temp(workbook), count


def export_table(
    *,
    actor: User,
    action: str,
    object_type: str,
    rows: Iterable[T],
    columns: Callable[[], list[ExportColumn[T]]],
    title: str | Promise,
    sheet_name: str | Promise,
    filters: Mapping[str, Any],
    masked: bool = True,
) -> IO[bytes]:
    """Write the file, then record who exported what (filter, row count, masked or shown
    personal data). ``columns`` is called under the site language: the file's headers and
    labels are Chinese whatever the exporter reads the site in. An unmasked export is for
    callers that checked a permission for it."""
    with translation.override(settings.LANGUAGE_CODE):
        chosen = columns()
        handle, count = write_table(
            rows, chosen, exporter=actor, title=title, sheet_name=sheet_name, masked=masked
        )
    personal = masked_keys(chosen)
    after: dict[str, Any] = {"filter": dict(filters), "rows": count}
    after["masked" if masked else "unmasked"] = personal
    with transaction.atomic():
        audit.record(action, actor=actor, object_type=object_type, after=after)
    return handle


def queryset_rows(queryset: Any) -> Iterable[Any]:
    """A queryset walked in chunks, not held whole in memory."""
    return queryset.iterator(chunk_size=CHUNK_SIZE)
