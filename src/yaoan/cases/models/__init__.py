"""The models of the cases app: one module per part (other parts add one import line)."""

from yaoan.cases.models.case import Case, Evidence, SeizedItem
from yaoan.cases.models.penalty import (
    Assessment,
    Circumstance,
    CreditRule,
    DishonestyListing,
    Penalty,
    Violation,
)

__all__ = [
    "Assessment",
    "Case",
    "Circumstance",
    "CreditRule",
    "DishonestyListing",
    "Evidence",
    "Penalty",
    "SeizedItem",
    "Violation",
]
