"""The writers of a case's discretion and penalties: the assessment (ticked circumstances →
suggestion → proposal, a departure with its reason), the penalties on responsible people
(处罚到人, 从业禁止), the check the notice and decision steps call, and the consequences
the decision step applies (credit, the key list's entity event, the bans' terms). The
严重失信主体名单 is in ``listing_services``, the baseline's admin in ``baseline_services``."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases import discretion
from yaoan.cases.credit import CreditOutcome, apply_credit_rule
from yaoan.cases.enums import ENDED_STATUSES, DecisionOutcome
from yaoan.cases.models import Assessment, Case, Penalty, Violation
from yaoan.cases.penalty_checks import (
    Proposal,
    check_proposal,
    judge_proposal,
    proposal_problem,
    stored_suggestion,
)
from yaoan.cases.penalty_enums import (
    AMOUNT_KINDS,
    PenaltyConflict,
    PenaltyError,
    PenaltyKind,
    PenaltyTarget,
    PersonRole,
)
from yaoan.cases.penalty_queries import BanFlag, ban_flags, circumstances_for
from yaoan.cases.penalty_rules import can_assess_case
from yaoan.common.errors import invalid
from yaoan.core import audit
from yaoan.core.models import User
from yaoan.intake.enums import EntityEventKind
from yaoan.intake.models import EntityEvent
from yaoan.intake.services import report_entity_event
from yaoan.registry.models import Licence

ZERO = Decimal(0)
UNIT_KINDS = frozenset(set(PenaltyKind) - {PenaltyKind.TRADE_BAN})
PERSON_KINDS = frozenset({PenaltyKind.FINE, PenaltyKind.CONFISCATE_INCOME, PenaltyKind.TRADE_BAN})
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# re-exported: the notice and decision steps import them from here
__all__ = ["Proposal", "check_proposal", "proposal_problem", "stored_suggestion"]


def _require_open(case: Case, actor: User) -> None:
    if not can_assess_case(actor, case):
        raise PermissionDenied(_("您无权对该案件进行处罚裁量"))
    if case.decided_at is not None or case.status in ENDED_STATUSES:
        raise invalid(PenaltyConflict.CASE_DECIDED)


def suggestion_for(
    violation: Violation,
    effects: Iterable[str],
    *,
    goods_value: Decimal | None,
    illegal_income: Decimal | None,
) -> discretion.Suggestion:
    """The suggestion, with a missing basis amount refused on its field."""
    try:
        return discretion.suggest(
            violation.provision(),
            effects,
            goods_value=goods_value,
            illegal_income=illegal_income,
        )
    except discretion.MissingBasisAmount as missing:
        name = "goods_value" if missing.basis == "goods_value" else "illegal_income"
        raise invalid(PenaltyError.AMOUNT_NEEDED_FOR_BASIS, field=name) from None


def _unit_rows(case: Case, proposal: Proposal, actor: User) -> list[Penalty]:
    now = timezone.now()
    rows = []
    for kind in dict.fromkeys(proposal.kinds):
        if kind not in UNIT_KINDS:
            raise invalid(PenaltyError.KIND_NOT_FOR_TARGET, field="kinds")
        row = Penalty(
            case=case, target=PenaltyTarget.UNIT, kind=kind, created_by=actor, created_at=now
        )
        if kind == PenaltyKind.FINE:
            row.amount = _positive(proposal.fine, "fine")
        elif kind == PenaltyKind.CONFISCATE_INCOME:
            row.amount = _positive(proposal.confiscated_income, "confiscated_income")
        elif kind == PenaltyKind.CONFISCATE_GOODS:
            if not proposal.confiscated_goods.strip():
                raise invalid(
                    PenaltyError.AMOUNT_REQUIRED, _("须写明没收的物品"), "confiscated_goods"
                )
            row.goods = proposal.confiscated_goods.strip()[:300]
        elif kind == PenaltyKind.LICENCE_SUSPENSION:
            if not proposal.suspension_months:
                raise invalid(PenaltyError.TERM_REQUIRED, field="suspension_months")
            row.term_months = proposal.suspension_months
        if kind in (PenaltyKind.LICENCE_SUSPENSION, PenaltyKind.LICENCE_REVOCATION):
            row.licence = _party_licence(case, proposal.licence)
        rows.append(row)
    return rows


def _positive(amount: Decimal | None, name: str) -> Decimal:
    if amount is None or amount <= ZERO:
        raise invalid(PenaltyError.AMOUNT_REQUIRED, field=name)
    return amount


def _party_licence(case: Case, licence: Licence | None) -> Licence | None:
    if licence is not None and licence.entity_id != case.entity_id:
        raise invalid(PenaltyError.KIND_NOT_FOR_TARGET, _("许可证件不属于当事人"), "licence")
    return licence


def _proposal_picture(case: Case) -> list[str]:
    return [
        f"{p.target}:{p.kind}:{p.amount or ''}:{p.term_months or ''}"
        for p in Penalty.objects.filter(case=case).order_by("id")
    ]


@transaction.atomic
def assess_case(
    case: Case,
    *,
    actor: User,
    violation: Violation,
    circumstance_ids: Iterable[int],
    goods_value: Decimal | None,
    illegal_income: Decimal | None,
    proposal: Proposal,
) -> Assessment:
    """Save the case's discretion: the suggestion from the ticked circumstances and the
    proposal for the unit (replacing an earlier one); a departure needs its reason."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_open(case, actor)
    if not violation.is_active:
        raise invalid(PenaltyError.CIRCUMSTANCE_NOT_APPLICABLE, _("该违法行为已停用"), "violation")
    ids = set(circumstance_ids)
    ticked = list(circumstances_for(violation).filter(pk__in=ids))
    if len(ticked) != len(ids):
        raise invalid(PenaltyError.CIRCUMSTANCE_NOT_APPLICABLE, field="circumstances")
    for name, value in (("goods_value", goods_value), ("illegal_income", illegal_income)):
        if value is not None and value < ZERO:
            raise invalid(PenaltyError.AMOUNT_REQUIRED, _("金额不能为负数"), name)
    suggestion = suggestion_for(
        violation,
        [c.effect for c in ticked],
        goods_value=goods_value,
        illegal_income=illegal_income,
    )
    departs = judge_proposal(suggestion, proposal)
    reason = proposal.reason.strip()
    if departs and not reason:
        raise invalid(PenaltyError.DEPARTURE_REASON, field="departure_reason")
    rows = _unit_rows(case, proposal, actor)
    before = _proposal_picture(case)
    previous = Assessment.objects.filter(case=case).first()
    assessment, _created = Assessment.objects.update_or_create(
        case=case,
        defaults=dict(
            violation=violation,
            goods_value=goods_value,
            illegal_income=illegal_income,
            band=suggestion.band,
            suggested_kinds=list(suggestion.kinds),
            suggested_fine=suggestion.fine,
            legal_minimum=suggestion.legal_minimum,
            legal_maximum=suggestion.legal_maximum,
            band_minimum=suggestion.band_minimum,
            band_maximum=suggestion.band_maximum,
            notes=list(suggestion.notes),
            departs=departs,
            departure_reason=reason if departs else "",
            assessed_by=actor,
            assessed_at=timezone.now(),
        ),
    )
    assessment.circumstances.set(ticked)
    Penalty.objects.filter(case=case, target=PenaltyTarget.UNIT).delete()
    Penalty.objects.bulk_create(rows)
    audit.record(
        "cases.assessment.saved",
        actor=actor,
        obj=case,
        before={"violation": previous.violation_id, "penalties": before} if previous else None,
        after={
            "violation": violation.code,
            "circumstances": sorted(c.code for c in ticked),
            "band": suggestion.band,
            "suggested_fine": str(suggestion.fine) if suggestion.fine is not None else None,
            "departs": departs,
            "penalties": _proposal_picture(case),
        },
        reason=reason,
    )
    return assessment


def id_number_problem(value: str) -> str | None:
    """A 18-character 居民身份证号码 (GB 11643: birth date, ISO 7064 MOD 11-2 check)."""
    number = value.strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789X":
        return _("身份证号码应为18位，最后一位可为X")
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _("身份证号码中的出生日期无效")
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != number[17]:
        return _("身份证号码校验位不正确")
    return None


@transaction.atomic
def add_person_penalty(
    case: Case,
    *,
    actor: User,
    kind: str,
    name: str,
    id_number: str,
    role: str,
    amount: Decimal | None = None,
    term_months: int | None = None,
    for_life: bool = False,
) -> Penalty:
    """处罚到人: a fine, a confiscation of what the person took from the unit, or a ban from
    the trade (从业禁止) for a term or for life, on one responsible person."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_open(case, actor)
    if kind not in PERSON_KINDS:
        raise invalid(PenaltyError.KIND_NOT_FOR_TARGET, field="kind")
    if role not in PersonRole.values:
        raise invalid(PenaltyError.PERSON_REQUIRED, _("请选择人员身份"), "role")
    if not name.strip():
        raise invalid(PenaltyError.PERSON_REQUIRED, _("须填写姓名"), "name")
    problem = id_number_problem(id_number)
    if problem:
        raise invalid(PenaltyError.PERSON_REQUIRED, problem, "id_number")
    row = Penalty(
        case=case,
        target=PenaltyTarget.PERSON,
        kind=kind,
        person_name=name.strip()[:50],
        person_id_number=id_number.strip().upper(),
        person_role=role,
        created_by=actor,
        created_at=timezone.now(),
    )
    if kind in AMOUNT_KINDS:
        row.amount = _positive(amount, "amount")
    else:
        if for_life == bool(term_months):
            raise invalid(PenaltyError.TERM_REQUIRED, field="term_months")
        row.term_months = None if for_life else term_months
        row.for_life = for_life
    row.save()
    audit.record("cases.penalty.added", actor=actor, obj=row, after=audit.snapshot(row))
    return row


@transaction.atomic
def remove_person_penalty(penalty: Penalty, *, actor: User, reason: str) -> None:
    """Withdraw a person's penalty from the proposal (before the decision only)."""
    case = Case.objects.select_for_update().get(pk=penalty.case_id)
    _require_open(case, actor)
    if penalty.target != PenaltyTarget.PERSON:
        raise invalid(PenaltyError.KIND_NOT_FOR_TARGET, _("单位的处罚请在处罚裁量中修改"))
    if not reason.strip():
        raise invalid(PenaltyError.DEPARTURE_REASON, _("须填写撤回原因"), "reason")
    before = audit.snapshot(penalty)
    penalty.delete()
    audit.record(
        "cases.penalty.removed", actor=actor, obj=case, before=before, reason=reason.strip()
    )


def money_total(case: Case) -> Decimal:
    """The decision's fines and confiscated income in total (罚没款合计), unit and people."""
    return sum(
        (
            p.amount or ZERO
            for p in Penalty.objects.filter(
                case=case, kind__in=(PenaltyKind.FINE, PenaltyKind.CONFISCATE_INCOME)
            )
        ),
        ZERO,
    )


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Consequences:
    credit: CreditOutcome
    event: EntityEvent | None
    bans: tuple[Penalty, ...]
    flags: tuple[BanFlag, ...] = field(default=())


def _start_terms(case: Case, decided_on: dt.date) -> list[Penalty]:
    """Bans and suspensions run from the decision; a term of n months ends the day before
    the same date n months on."""
    started = []
    for row in Penalty.objects.filter(
        case=case, kind__in=(PenaltyKind.TRADE_BAN, PenaltyKind.LICENCE_SUSPENSION)
    ):
        row.starts_on = decided_on
        row.ends_on = (
            None
            if row.for_life or not row.term_months
            else add_months(decided_on, row.term_months) - dt.timedelta(days=1)
        )
        row.save(update_fields=["starts_on", "ends_on"])
        started.append(row)
    return started


@transaction.atomic
def apply_decision_consequences(case: Case, *, actor: User) -> Consequences:
    """What the decision step calls once the decision is recorded: the bans' and
    suspensions' terms start, the credit rule lowers the business's class, the penalty is
    reported for the annual plan's key list, and banned people found as the legal
    representative or quality manager of another business are flagged (audited)."""
    case = Case.objects.select_related("entity").get(pk=case.pk)
    if case.outcome == DecisionOutcome.NO_PENALTY:
        # 不予行政处罚: the proposal's penalties were not imposed; nothing follows
        return Consequences(CreditOutcome("", (), None), None, ())
    decided_on = timezone.localdate(case.decided_at) if case.decided_at else timezone.localdate()
    bans = _start_terms(case, decided_on)
    credit = apply_credit_rule(case, actor=actor)
    event = None
    if case.entity is not None and Penalty.objects.filter(case=case).exists():
        event = report_entity_event(
            kind=EntityEventKind.PENALTY,
            entity=case.entity,
            occurred_on=decided_on,
            source_app="cases",
            source_kind="case",
            source_id=case.pk,
            source_label=_("行政处罚：%(number)s %(title)s")
            % {"number": case.number, "title": case.title},
            actor=actor,
        )
    flags = tuple(ban_flags([b for b in bans if b.kind == PenaltyKind.TRADE_BAN]))
    audit.record(
        "cases.case.consequences_applied",
        actor=actor,
        obj=case,
        after={
            "credit": credit.change.new_value if credit.change else None,
            "credit_rules": list(credit.rules),
            "key_list_event": event.pk if event else None,
            "bans": [b.pk for b in bans],
            "ban_flags": [f"{f.entity.pk}:{f.position}" for f in flags],
        },
    )
    return Consequences(credit, event, tuple(bans), flags)
