"""The models of the cases app: one module per part (other parts add one import line)."""

from yaoan.cases.models.beyond import (
    CaseEscalation,
    CaseSupervision,
    CriminalTransfer,
    SupervisionReport,
    TransferFollowUp,
    TransferMaterial,
)
from yaoan.cases.models.case import Case, Evidence, SeizedItem
from yaoan.cases.models.documents import DocumentDelivery, TypicalCase
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
    "CaseEscalation",
    "CaseSupervision",
    "Circumstance",
    "CreditRule",
    "CriminalTransfer",
    "DishonestyListing",
    "DocumentDelivery",
    "Evidence",
    "Penalty",
    "SeizedItem",
    "SupervisionReport",
    "TransferFollowUp",
    "TransferMaterial",
    "TypicalCase",
    "Violation",
]
