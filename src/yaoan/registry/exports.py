"""Export of a filtered, scoped entity list to .xlsx (S25): the contact phone is masked,
the file names its exporter and time (a first line and the document properties), and
every export leaves an audit row with its filter and row count."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yaoan.common import xlsx
from yaoan.common.masking import mask_phone
from yaoan.core import audit
from yaoan.core.models import User
from yaoan.registry.models import Entity

EXPORT_ACTION = "registry.entity.exported"
MASKED_FIELDS = ("contact_phone",)
CHUNK_SIZE = 2000


FIELDS = (
    "name",
    "uscc",
    "entity_type",
    "medical_level",
    "device_class",
    "subdistrict",
    "address",
    "legal_representative",
    "quality_manager",
    "contact_phone",
    "status",
    "risk_grade",
    "credit_class",
    "handles_special_drugs",
    "in_volume_procurement",
    "offers_medical_beauty",
    "handles_cold_chain",
)
CHOICE_FIELDS = ("entity_type", "medical_level", "device_class", "status")
GRADE_FIELDS = ("risk_grade", "credit_class")  # blank has a label too: 未评级 / 未评定
FLAG_FIELDS = FIELDS[-4:]
TEXT_COLUMNS = frozenset({FIELDS.index("uscc"), FIELDS.index("contact_phone")})


def _field(name: str) -> models.Field[Any, Any]:
    model_field = Entity._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field


def headers() -> list[str]:
    return [*(str(_field(name).verbose_name) for name in FIELDS), _("市场监管所")]


def _labels(name: str) -> dict[str, str]:
    """Choice labels resolved once per export (get_FOO_display per cell is slow)."""
    labels = {str(value): str(label) for value, label in _field(name).choices or ()}
    if name not in GRADE_FIELDS:
        labels[""] = ""
    return labels


def row_builder() -> Callable[[Entity], list[str]]:
    labels = {name: _labels(name) for name in (*CHOICE_FIELDS, *GRADE_FIELDS)}
    yes, no = _("是"), _("否")

    def build(entity: Entity) -> list[str]:
        values = []
        for name in FIELDS:
            value = getattr(entity, name)
            if name in labels:
                value = labels[name].get(value, value)
            elif name in FLAG_FIELDS:
                value = yes if value else no
            elif name == "subdistrict":
                value = value.name
            elif name == "contact_phone":
                value = mask_phone(value)
            values.append(value)
        return [*values, _station(entity)]

    return build


def _station(entity: Entity) -> str:
    station = entity.subdistrict.station
    return station.short_name or station.name if station else ""


def exporter_label(user: User) -> str:
    unit = user.org_unit.name if user.org_unit else ""
    name = user.display_name or user.username
    return f"{name}（{user.username}，{unit}）" if unit else f"{name}（{user.username}）"


def write_entities(entities: Iterable[Entity], *, exporter: User) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (write-only: constant memory) and its row count."""
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    who = exporter_label(exporter)
    note = _("导出人：%(who)s　导出时间：%(at)s　联系电话已脱敏") % {"who": who, "at": at}
    workbook = xlsx.new_workbook(creator=who, title=_("监管对象导出"), description=note)
    sheet = workbook.create_sheet(_("监管对象"))
    xlsx.text_row(sheet, [note])
    xlsx.text_row(sheet, headers(), bold=True)
    build = row_builder()
    count = 0
    for entity in entities:
        xlsx.text_row(sheet, build(entity), text_columns=TEXT_COLUMNS)
        count += 1
    return xlsx.save_to_temp(workbook), count


def export_entities(
    *, actor: User, entities: QuerySet[Entity], filters: Mapping[str, Any]
) -> IO[bytes]:
    """Write the file, then record who exported what (filter, row count, masked fields)."""
    with translation.override(settings.LANGUAGE_CODE):
        handle, count = write_entities(entities.iterator(chunk_size=CHUNK_SIZE), exporter=actor)
    audit.record(
        EXPORT_ACTION,
        actor=actor,
        object_type="registry.entity",
        after={"filter": dict(filters), "rows": count, "masked": list(MASKED_FIELDS)},
    )
    return handle
