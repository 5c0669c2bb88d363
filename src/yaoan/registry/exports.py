"""Export of a filtered, scoped entity list to .xlsx through the tabular layer (S25): the
contact phone is masked, the file names its exporter and time, and every export leaves an
audit row with its filter and row count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaoan.common.masking import mask_phone
from yaoan.core.models import User
from yaoan.core.tabular.export import (
    ExportColumn,
    choice_labels,
    export_table,
    queryset_rows,
    yes_no,
)
from yaoan.registry.models import Entity

EXPORT_ACTION = "registry.entity.exported"
CHOICE_FIELDS = ("entity_type", "medical_level", "device_class", "status")
GRADE_FIELDS = ("risk_grade", "credit_class")  # blank has a label too: 未评级 / 未评定
FLAG_FIELDS = (
    "handles_special_drugs",
    "in_volume_procurement",
    "offers_medical_beauty",
    "handles_cold_chain",
)


def _header(name: str) -> str:
    field = Entity._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def _attr(name: str) -> ExportColumn[Entity]:
    return ExportColumn(_header(name), lambda entity: getattr(entity, name))


def _station(entity: Entity) -> str:
    station = entity.subdistrict.station
    return station.short_name or station.name if station else ""


def entity_columns() -> list[ExportColumn[Entity]]:
    """The columns of the export, in the import template's order (a file exported can be
    read back by a person next to the template), then the station."""
    labels = {name: choice_labels(Entity, name) for name in CHOICE_FIELDS}
    labels.update({name: choice_labels(Entity, name, blank_label=True) for name in GRADE_FIELDS})

    def labelled(name: str) -> ExportColumn[Entity]:
        return ExportColumn(_header(name), labels[name])

    return [
        _attr("name"),
        ExportColumn(_header("uscc"), lambda e: e.uscc, identifier=True),
        labelled("entity_type"),
        labelled("medical_level"),
        labelled("device_class"),
        ExportColumn(_header("subdistrict"), lambda e: e.subdistrict.name),
        _attr("address"),
        _attr("legal_representative"),
        _attr("quality_manager"),
        ExportColumn(
            _header("contact_phone"),
            lambda e: e.contact_phone,
            identifier=True,
            personal="contact_phone",
            mask=mask_phone,
        ),
        labelled("status"),
        labelled("risk_grade"),
        labelled("credit_class"),
        *(ExportColumn(_header(name), yes_no(name)) for name in FLAG_FIELDS),
        ExportColumn(_("市场监管所"), _station),
    ]


def export_entities(
    *, actor: User, entities: QuerySet[Entity], filters: Mapping[str, Any]
) -> IO[bytes]:
    """The entities given (already filtered and scoped by the caller), written and audited."""
    return export_table(
        actor=actor,
        action=EXPORT_ACTION,
        object_type="registry.entity",
        rows=queryset_rows(entities),
        columns=entity_columns,
        title=gettext_lazy("监管对象导出"),
        sheet_name=gettext_lazy("监管对象"),
        filters=filters,
    )
