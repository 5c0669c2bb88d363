"""The only writers of criminal transfers (行刑衔接; 行政处罚法 第二十七条, 行政执法机关移送
涉嫌犯罪案件的规定 国务院令第310号): the 专案组's proposal with its evidence list and
materials, the head's approval (another person), the transfer itself (the 移送书's number),
the police's answer, reconsideration, the hand-over of seized goods and the end
(follow-up notes and papers: followup_services). Each step goes through
core.transitions.take (table, permission, approval by another person, deadlines, audit);
views, the demo and other modules call these.

The administrative case continues, or its 90-day decision clock stands still from the
day the case goes to the police until the transfer ends (中止; the suspension shows on the
case's clock like any other)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases.beyond_enums import (
    OPEN_TRANSFER_STATUSES,
    AdministrativePart,
    BeyondConflict,
    BeyondError,
    MaterialKind,
    ReconsiderationChannel,
    TransferOutcome,
    TransferStatus,
)
from yaoan.cases.beyond_rules import can_handle_case_beyond
from yaoan.cases.beyond_workflow import APPROVAL, CRIMINAL_TRANSFER, RECONSIDERATION
from yaoan.cases.enums import OPEN_STATUSES, CaseStatus
from yaoan.cases.models import (
    Case,
    CriminalTransfer,
    Evidence,
    SeizedItem,
    TransferMaterial,
)
from yaoan.common.errors import INVALID, invalid
from yaoan.core import audit
from yaoan.core.deadlines import current_deadline, open_deadline, resume_deadline, suspend_deadline
from yaoan.core.enums import DeadlineState
from yaoan.core.models import User
from yaoan.core.numbering import next_document_number
from yaoan.core.transitions import DeadlineTarget, take

NUMBER_PREFIX = "移送"
DECISION_CLOCK = "case_decision"
RECONSIDERATION_DAYS = 3  # 第九条: within 3 days of the refusal notice
TEXT_MAX = 4000
# a transfer is proposed from a filed case that has not ended
TRANSFERABLE = tuple(s for s in OPEN_STATUSES if s != CaseStatus.PENDING_FILING)


@dataclass(frozen=True)
class MaterialInput:
    kind: str
    title: str
    pages: int = 0


def clean_text(field: str, value: str, message: str, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid("required", message, field=field)
    if len(text) > limit:
        raise invalid("max_length", _("不能超过 %(n)d 个字符") % {"n": limit}, field=field)
    return text


def past_day(field: str, value: dt.date | None, *, not_before: dt.date | None = None) -> dt.date:
    if value is None:
        raise invalid("required", _("请填写日期"), field=field)
    if value > timezone.localdate():
        raise invalid(BeyondError.BAD_DATE, _("日期不能晚于今天"), field=field)
    if not_before and value < not_before:
        raise invalid(
            BeyondError.BAD_DATE,
            _("日期不能早于 %(d)s") % {"d": not_before.isoformat()},
            field=field,
        )
    return value


def _case_rows(model: type[Model], case: Case, ids: Iterable[int], field: str) -> list[Any]:
    wanted = {int(i) for i in ids}
    rows = list(model._default_manager.filter(case=case, pk__in=wanted))
    if len(rows) != len(wanted):
        raise invalid(BeyondError.BAD_EVIDENCE, field=field)
    return rows


def _materials(items: Sequence[MaterialInput]) -> list[MaterialInput]:
    cleaned = []
    for i, item in enumerate(items, start=1):
        if item.kind not in MaterialKind.values:
            raise invalid(INVALID, _("第 %(n)d 项材料的类别无效") % {"n": i}, field="materials")
        title = (item.title or "").strip()
        if not title or len(title) > 200:
            raise invalid(
                "required",
                _("第 %(n)d 项材料须填写名称（200字以内）") % {"n": i},
                field="materials",
            )
        if item.pages < 0:
            raise invalid(INVALID, _("第 %(n)d 项材料的页数无效") % {"n": i}, field="materials")
        cleaned.append(MaterialInput(item.kind, title, item.pages))
    return cleaned


@transaction.atomic
def propose_transfer(
    case: Case,
    *,
    actor: User,
    suspected_offence: str,
    facts: str,
    investigation_report: str,
    evidence_ids: Iterable[int],
    police_unit: str,
    administrative_part: str,
    seized_item_ids: Iterable[int] = (),
    test_reports: str = "",
    other_materials: str = "",
    materials: Sequence[MaterialInput] = (),
) -> CriminalTransfer:
    """The 专案组's written report (第五条) with the evidence list and the materials of
    第六条; the head's 3-day decision clock opens. Nothing is written on a refusal."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_handle_case_beyond(actor, case):
        raise PermissionDenied(_("您无权移送该案件"))
    if case.status not in TRANSFERABLE:
        raise invalid(
            BeyondConflict.CASE_NOT_OPEN,
            _("案件当前状态为“%(s)s”，不能移送公安机关") % {"s": case.get_status_display()},
            field="case",
        )
    if case.criminal_transfers.filter(status__in=OPEN_TRANSFER_STATUSES).exists():
        raise invalid(BeyondConflict.TRANSFER_OPEN, field="case")
    if administrative_part not in AdministrativePart.values:
        raise invalid(INVALID, _("请选择行政案件的处理方式"), field="administrative_part")
    evidence_ids = list(evidence_ids)
    if not evidence_ids:
        raise invalid(BeyondError.NO_EVIDENCE_LIST, field="evidence")
    evidence = _case_rows(Evidence, case, evidence_ids, "evidence")
    seized = _case_rows(SeizedItem, case, seized_item_ids, "seized_items")
    cleaned_materials = _materials(materials)
    transfer = CriminalTransfer.objects.create(
        case=case,
        suspected_offence=clean_text(
            "suspected_offence", suspected_offence, _("请填写涉嫌罪名"), 100
        ),
        facts=clean_text("facts", facts, _("请填写涉嫌犯罪的事实")),
        investigation_report=clean_text(
            "investigation_report", investigation_report, str(BeyondError.NO_REPORT.label)
        ),
        test_reports=(test_reports or "").strip()[:TEXT_MAX],
        other_materials=(other_materials or "").strip()[:TEXT_MAX],
        administrative_part=administrative_part,
        police_unit=clean_text("police_unit", police_unit, _("请填写接受移送的公安机关"), 100),
        proposed_by=actor,
        proposed_at=timezone.now(),
    )
    transfer.evidence.set(evidence)
    transfer.seized_items.set(seized)
    TransferMaterial.objects.bulk_create(
        TransferMaterial(transfer=transfer, kind=m.kind, title=m.title, pages=m.pages)
        for m in cleaned_materials
    )
    open_deadline(
        actor=actor,
        subject=transfer,
        rule_code=APPROVAL,
        org_unit=case.org_unit,
        assignee=None,
        label=_("移送审批：%(c)s") % {"c": case.number},
        url=transfer.get_absolute_url(),
    )
    audit.record(
        "cases.criminaltransfer.proposed",
        actor=actor,
        obj=transfer,
        after={
            "case": case.pk,
            "suspected_offence": transfer.suspected_offence,
            "evidence": sorted(e.pk for e in evidence),
            "seized_items": sorted(s.pk for s in seized),
            "materials": [m.title for m in cleaned_materials],
            "administrative_part": administrative_part,
            "police_unit": transfer.police_unit,
        },
        reason=transfer.facts[:200],
    )
    return transfer


def _take(
    transfer: CriminalTransfer,
    action: str,
    *,
    actor: User,
    reason: str = "",
    values: dict[str, Any] | None = None,
    deadline: DeadlineTarget | None = None,
) -> CriminalTransfer:
    values = values or {}

    def update(obj: Model) -> list[str]:
        for name, value in values.items():
            setattr(obj, name, value)
        return list(values)

    taken = take(
        CRIMINAL_TRANSFER,
        transfer,
        action,
        actor=actor,
        reason=reason,
        update=update,
        deadline=deadline,
    )
    assert isinstance(taken, CriminalTransfer)
    return taken


def _target(transfer: CriminalTransfer, start: dt.date, label: str) -> DeadlineTarget:
    return DeadlineTarget(
        org_unit=transfer.case.org_unit,
        assignee=cast(User, transfer.proposed_by),
        start=start,
        label=f"{label}：{transfer.case.number}",
        url=transfer.get_absolute_url(),
    )


def approve_transfer(
    transfer: CriminalTransfer, *, actor: User, reason: str = ""
) -> CriminalTransfer:
    """The head approves (第五条); the case must go within 24 hours."""
    values = {"decided_by": actor, "decided_at": timezone.now()}
    return _take(transfer, "approve", actor=actor, reason=reason, values=values)


def refuse_transfer(transfer: CriminalTransfer, *, actor: User, reason: str) -> CriminalTransfer:
    """Not approved: the reason is kept on record (第五条)."""
    values = {"decided_by": actor, "decided_at": timezone.now()}
    return _take(transfer, "refuse", actor=actor, reason=reason, values=values)


def _suspend_case_clock(transfer: CriminalTransfer, actor: User, start: dt.date) -> bool:
    """Stop the case's decision clock from the transfer day, when it is running; a clock
    already stopped (检验 under way) or already met is left alone."""
    clock = current_deadline(transfer.case, DECISION_CLOCK)
    if clock is None or clock.state != DeadlineState.OPEN or start < clock.started_on:
        return False
    suspend_deadline(
        clock,
        actor=actor,
        reason=_("涉嫌犯罪移送公安机关（%(n)s），行政案件中止办理") % {"n": transfer.number},
        start=min(start, clock.due_on),
    )
    return True


def _resume_case_clock(transfer: CriminalTransfer, actor: User) -> None:
    if not transfer.clock_suspended:
        return
    clock = current_deadline(transfer.case, DECISION_CLOCK)
    if clock is not None and clock.state == DeadlineState.SUSPENDED:
        resume_deadline(clock, actor=actor)


@transaction.atomic
def send_transfer(
    transfer: CriminalTransfer, *, actor: User, transferred_on: dt.date, receipt_by: str = ""
) -> CriminalTransfer:
    """The case goes to the police: the 移送书 gets its number, the police's 3-day review
    is followed (第八条), and the administrative case's clock stops when so chosen."""
    day = past_day("transferred_on", transferred_on, not_before=transfer.proposed_at.date())
    number = next_document_number(NUMBER_PREFIX, day.year)
    values: dict[str, Any] = {
        "number": number,
        "transferred_on": day,
        "transferred_by": actor,
        "receipt_by": (receipt_by or "").strip()[:50],
    }
    taken = _take(
        transfer,
        "transfer",
        actor=actor,
        values=values,
        deadline=_target(transfer, day, _("公安机关审查移送案件")),
    )
    if taken.administrative_part == AdministrativePart.SUSPEND and _suspend_case_clock(
        taken, actor, day
    ):
        taken.clock_suspended = True
        taken.save(update_fields=["clock_suspended"])
    return taken


def record_police_acceptance(
    transfer: CriminalTransfer, *, actor: User, decided_on: dt.date, reference: str
) -> CriminalTransfer:
    """The police filed the case (立案通知书); the goods and materials go within 3 days
    (第十二条)."""
    day = past_day("police_decided_on", decided_on, not_before=transfer.transferred_on)
    values = {
        "police_decided_on": day,
        "police_reference": clean_text(
            "police_reference", reference, _("请填写立案通知书文号"), 60
        ),
    }
    return _take(
        transfer,
        "police_accept",
        actor=actor,
        values=values,
        deadline=_target(transfer, day, _("移交涉案物品和材料")),
    )


def record_police_refusal(
    transfer: CriminalTransfer,
    *,
    actor: User,
    decided_on: dt.date,
    reference: str,
    reason: str,
) -> CriminalTransfer:
    """The police refused to file it (不予立案通知书, with its reason)."""
    day = past_day("police_decided_on", decided_on, not_before=transfer.transferred_on)
    reason = clean_text("reason", reason, _("请填写公安机关不予立案的理由"))
    values = {
        "police_decided_on": day,
        "police_reference": clean_text(
            "police_reference", reference, _("请填写不予立案通知书文号"), 60
        ),
        "police_reason": reason,
    }
    return _take(transfer, "police_refuse", actor=actor, reason=reason, values=values)


@transaction.atomic
def request_reconsideration(
    transfer: CriminalTransfer,
    *,
    actor: User,
    channel: str,
    requested_on: dt.date,
    reason: str,
) -> CriminalTransfer:
    """第九条: reconsideration by the police within 3 days of the refusal (they answer
    within 3 days, followed here), or a request to the procuratorate to supervise."""
    if channel not in ReconsiderationChannel.values:
        raise invalid(INVALID, _("请选择复议或监督途径"), field="reconsideration_channel")
    day = past_day("reconsideration_on", requested_on, not_before=transfer.police_decided_on)
    decided = transfer.police_decided_on
    late = decided is not None and (day - decided).days > RECONSIDERATION_DAYS
    if channel == ReconsiderationChannel.POLICE and late:
        raise invalid(BeyondError.LATE_RECONSIDERATION, field="reconsideration_on")
    values = {"reconsideration_channel": channel, "reconsideration_on": day}
    taken = _take(transfer, "reconsider", actor=actor, reason=reason, values=values)
    if channel == ReconsiderationChannel.POLICE:
        target = _target(taken, day, _("公安机关复议决定"))
        open_deadline(
            actor=actor,
            subject=taken,
            rule_code=RECONSIDERATION,
            org_unit=target.org_unit,
            assignee=target.assignee,
            start=day,
            label=target.label,
            url=target.url,
        )
    return taken


@transaction.atomic
def uphold_refusal(transfer: CriminalTransfer, *, actor: User, reason: str) -> CriminalTransfer:
    """The refusal stands: the regulator deals with the case administratively (第十条)
    and its clock runs again."""
    values = {"outcome": TransferOutcome.RETURNED, "closed_on": timezone.localdate()}
    taken = _take(transfer, "uphold_refusal", actor=actor, reason=reason, values=values)
    _resume_case_clock(taken, actor)
    return taken


def record_handover(
    transfer: CriminalTransfer, *, actor: User, handed_over_on: dt.date, note: str
) -> CriminalTransfer:
    """The seized goods and the case's materials handed to the police (交接手续)."""
    day = past_day("handed_over_on", handed_over_on, not_before=transfer.police_decided_on)
    values = {
        "handed_over_on": day,
        "handover_note": clean_text("handover_note", note, _("请填写移交的物品、材料和交接手续")),
    }
    return _take(transfer, "hand_over", actor=actor, values=values)


@transaction.atomic
def close_transfer(
    transfer: CriminalTransfer, *, actor: User, outcome: str, reason: str
) -> CriminalTransfer:
    """The end of the follow-up: after a refusal the case is dealt with administratively
    (第十条, outcome 退回); after a hand-over, the criminal case's end as learned."""
    if transfer.status == TransferStatus.REFUSED:
        outcome = TransferOutcome.RETURNED
    elif outcome not in TransferOutcome.values or outcome == TransferOutcome.RETURNED:
        raise invalid(INVALID, _("请选择刑事案件的办结情况"), field="outcome")
    values = {"outcome": outcome, "closed_on": timezone.localdate()}
    taken = _take(transfer, "close", actor=actor, reason=reason, values=values)
    _resume_case_clock(taken, actor)
    return taken
