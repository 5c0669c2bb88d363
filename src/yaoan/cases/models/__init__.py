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

__all__ = [
    "Case",
    "CaseEscalation",
    "CaseSupervision",
    "CriminalTransfer",
    "DocumentDelivery",
    "Evidence",
    "SeizedItem",
    "SupervisionReport",
    "TransferFollowUp",
    "TransferMaterial",
    "TypicalCase",
]
