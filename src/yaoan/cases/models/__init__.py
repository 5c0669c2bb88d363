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
from yaoan.cases.models.publication import PenaltyPublication
from yaoan.cases.models.review import CaseReview, CaseReviewScore, ReviewRound

__all__ = [
    "Assessment",
    "Case",
    "CaseEscalation",
    "CaseReview",
    "CaseReviewScore",
    "CaseSupervision",
    "Circumstance",
    "CreditRule",
    "CriminalTransfer",
    "DishonestyListing",
    "DocumentDelivery",
    "Evidence",
    "Penalty",
    "PenaltyPublication",
    "ReviewRound",
    "SeizedItem",
    "SupervisionReport",
    "TransferFollowUp",
    "TransferMaterial",
    "TypicalCase",
    "Violation",
]
