"""The default discretion baseline and credit rules (data/discretion_baseline.json), loaded
by the cases migration that creates their tables, so every installation starts with a
baseline of real articles that the administrator then keeps. Takes the model classes as
arguments so the migration passes its historical models."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "discretion_baseline.json"


def read_defaults() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def violation_fields(row: dict[str, Any]) -> dict[str, Any]:
    fine = row.get("fine", {})
    person = row.get("person")
    fields = {
        "name": row["name"],
        "product_class": row["product_class"],
        "violated": row["violated"],
        "basis": row["basis"],
        "kinds": row["kinds"],
        "fine_basis": fine.get("basis", "none"),
        "fine_minimum": _decimal(fine.get("minimum")) or Decimal(0),
        "fine_maximum": _decimal(fine.get("maximum")) or Decimal(0),
        "fine_floor": _decimal(fine.get("floor")) or Decimal(0),
        "small_below": _decimal(fine.get("small_below")),
        "small_minimum": _decimal(fine.get("small_minimum")) or Decimal(0),
        "small_maximum": _decimal(fine.get("small_maximum")) or Decimal(0),
        "person_applies": person is not None,
    }
    if person is not None:
        pfine = person.get("fine", {})
        fields |= {
            "person_fine_basis": pfine.get("basis", "none"),
            "person_fine_minimum": _decimal(pfine.get("minimum")) or Decimal(0),
            "person_fine_maximum": _decimal(pfine.get("maximum")) or Decimal(0),
            "ban_years": person.get("ban_years", 0),
            "ban_for_life": person.get("ban_for_life", False),
        }
    return fields


def load_defaults(violation_model: Any, circumstance_model: Any, credit_rule_model: Any) -> None:
    """Add the default rows that are missing (by code); rows already there are left as the
    administrator keeps them. Credit rules are added only to an empty table."""
    data = read_defaults()
    for row in data["violations"]:
        violation_model.objects.get_or_create(code=row["code"], defaults=violation_fields(row))
    for row in data["circumstances"]:
        circumstance_model.objects.get_or_create(
            code=row["code"],
            defaults={k: row[k] for k in ("name", "effect", "basis", "product_class")},
        )
    if not credit_rule_model.objects.exists():
        for row in data["credit_rules"]:
            credit_rule_model.objects.create(
                condition=row["condition"],
                threshold=_decimal(row["threshold"]),
                credit_class=row["credit_class"],
                name=row["name"],
            )
