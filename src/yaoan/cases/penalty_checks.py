"""Whether a case's proposal may go to the notice (告知) and the decision: an assessment,
a proposed penalty (unless none is suggested), no fine above the legal maximum and no
departure from the suggestion without its reason. Low in the app so the workflow's guards
can use it (``proposal_problem``) as well as the services (``check_proposal``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yaoan.cases import discretion
from yaoan.cases.models import Assessment, Case, Penalty
from yaoan.cases.penalty_enums import Band, PenaltyError, PenaltyKind, PenaltyTarget
from yaoan.common.errors import invalid

if TYPE_CHECKING:
    from yaoan.registry.models import Licence


@dataclass(frozen=True)
class Proposal:
    """The officer's proposal for the unit: the kinds and, for those that need one, the
    amount (元), the goods, the licence and the term; ``reason`` when it departs."""

    kinds: tuple[str, ...]
    fine: Decimal | None = None
    confiscated_income: Decimal | None = None
    confiscated_goods: str = ""
    suspension_months: int | None = None
    licence: Licence | None = None
    reason: str = ""


def judge_proposal(suggestion: discretion.Suggestion, proposal: Proposal) -> bool:
    """Whether the proposal departs; a fine above the legal maximum is refused outright."""
    fine = proposal.fine if PenaltyKind.FINE in proposal.kinds else None
    if discretion.judge_fine(suggestion, fine) == discretion.FineVerdict.ABOVE_LEGAL:
        raise invalid(
            PenaltyError.ABOVE_LEGAL_MAXIMUM,
            _("罚款超出法定上限%(max)s元") % {"max": suggestion.legal_maximum},
            "fine",
        )
    return discretion.departs(suggestion, proposal.kinds, fine)


def stored_suggestion(assessment: Assessment) -> discretion.Suggestion:
    """The suggestion as it stood when the case was assessed."""
    return discretion.Suggestion(
        band=assessment.band,
        kinds=tuple(assessment.suggested_kinds),
        legal_minimum=assessment.legal_minimum,
        legal_maximum=assessment.legal_maximum,
        band_minimum=assessment.band_minimum,
        band_maximum=assessment.band_maximum,
        fine=assessment.suggested_fine,
        person=None,
        notes=tuple(assessment.notes),
    )


def check_proposal(case: Case) -> None:
    """What the notice and decision steps call: refused (a coded ValidationError) when the
    case has no assessment, no proposed penalty (unless no penalty is suggested), a fine
    above the legal maximum, or a departure without its reason."""
    assessment = Assessment.objects.filter(case=case).first()
    if assessment is None:
        raise invalid(PenaltyError.NO_ASSESSMENT)
    penalties = list(Penalty.objects.filter(case=case))
    if not penalties and assessment.band != Band.NO_PENALTY:
        raise invalid(PenaltyError.NO_PROPOSAL)
    unit = [p for p in penalties if p.target == PenaltyTarget.UNIT]
    fine = next((p.amount for p in unit if p.kind == PenaltyKind.FINE), None)
    proposal = Proposal(kinds=tuple(p.kind for p in unit), fine=fine)
    departs = judge_proposal(stored_suggestion(assessment), proposal)
    if departs and not assessment.departure_reason.strip():
        raise invalid(PenaltyError.DEPARTURE_REASON, field="departure_reason")


def proposal_problem(case: Case) -> str | None:
    """``check_proposal`` as a workflow guard: None when the proposal may go ahead, else
    the Chinese reason it may not."""
    try:
        check_proposal(case)
    except ValidationError as refused:
        return refused.messages[0]
    return None
