"""The demo's 行刑衔接 and 挂牌督办 (synthetic), run after the cases demo on the cases it
left open, through the normal services and on the demo's last day (so the audit log still
reads in date order): a counterfeit-drug case transferred to the police, filed by them,
its goods handed over and followed up, the administrative case suspended meanwhile; a
second transfer the police refused, waiting for the officer's next step; a case under a
city bureau's supervision with a progress report; and, when the district has a second
bureau officer, a station's case taken up to the enforcement team. Idempotent: nothing
is added once a transfer exists."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.cases import followup_services, supervision_services, transfer_services
from yaoan.cases.beyond_enums import AdministrativePart, SupervisionLevel
from yaoan.cases.enums import CaseStatus
from yaoan.cases.models import Case, CaseSupervision, CriminalTransfer
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User

ACCOUNTS = {"leader": "qj.leader", "chief": "qj.chief", "officer": "qj.case"}
SECOND_OFFICER = "qj.case2"
# filed, undecided, with evidence: what a transfer or a supervision starts from
CANDIDATE_STATES = (CaseStatus.INVESTIGATING, CaseStatus.CASE_REVIEW, CaseStatus.LEGAL_REVIEW)


def _candidates() -> list[Case]:
    cases = Case.objects.filter(status__in=CANDIDATE_STATES, evidence__isnull=False)
    return list(cases.distinct().select_related("org_unit").order_by("id"))


def _transfer(case: Case, people: dict[str, User], part: str, offence: str) -> CriminalTransfer:
    today = timezone.localdate()
    evidence = [e.pk for e in case.evidence.filter(withdrawn_at__isnull=True)]
    transfer = transfer_services.propose_transfer(
        case,
        actor=case.lead_officer,
        suspected_offence=offence,
        facts=_("当事人销售的涉案药品经检验认定为假药，涉案货值已达刑事立案追诉标准。"),
        investigation_report=_(
            "经查，当事人从非法渠道购进并销售涉案药品，经区药品检验机构检验、"
            "市药品监管部门认定为假药。涉嫌刑法第一百四十一条规定的犯罪，建议移送公安机关。"
        ),
        evidence_ids=evidence,
        seized_item_ids=list(case.seized_items.values_list("pk", flat=True)),
        test_reports=_("药品检验报告书（演示）；假药认定意见（演示）"),
        police_unit=_("青江区公安分局"),
        administrative_part=part,
    )
    transfer = transfer_services.approve_transfer(
        transfer, actor=people["leader"], reason=_("同意移送")
    )
    return transfer_services.send_transfer(
        transfer, actor=case.lead_officer, transferred_on=today, receipt_by=_("王警官")
    )


def _accepted_and_followed(transfer: CriminalTransfer) -> None:
    today, officer = timezone.localdate(), transfer.case.lead_officer
    transfer = transfer_services.record_police_acceptance(
        transfer, actor=officer, decided_on=today, reference=_("青公（食药环）立字〔演示〕1号")
    )
    transfer = transfer_services.record_handover(
        transfer,
        actor=officer,
        handed_over_on=today,
        note=_("涉案药品及案卷材料已移交公安机关，办结交接手续（交接清单一份）"),
    )
    followup_services.record_follow_up(
        transfer, actor=officer, happened_on=today, note=_("公安机关已对上游供货人立案侦查")
    )


def _refused(transfer: CriminalTransfer) -> None:
    transfer_services.record_police_refusal(
        transfer,
        actor=transfer.case.lead_officer,
        decided_on=timezone.localdate(),
        reference=_("青公不立字〔演示〕2号"),
        reason=_("涉案货值未达到立案追诉标准"),
    )


def _supervised(case: Case, people: dict[str, User]) -> CaseSupervision:
    today = timezone.localdate()
    sup = supervision_services.flag_case(
        case,
        actor=people["chief"],
        level=SupervisionLevel.CITY,
        supervising_unit=_("市市场监督管理局"),
        reference=_("市市监督办〔演示〕3号"),
        requirements=_("查清涉案产品来源和流向，每20日报告进展，限期办结。"),
        flagged_on=today,
        due_on=today + dt.timedelta(days=60),
        report_every_days=20,
    )
    supervision_services.report_progress(
        sup,
        actor=case.lead_officer,
        reported_on=today,
        content=_("已调取购销记录，正在核查上游供货单位。"),
    )
    return sup


def _escalated(case: Case, people: dict[str, User]) -> bool:
    second = User.objects.filter(username=SECOND_OFFICER, is_active=True).first()
    team = OrgUnit.objects.filter(kind=OrgUnitKind.ENFORCEMENT_TEAM, is_active=True).first()
    if second is None or team is None or case.org_unit_id == team.pk:
        return False
    supervision_services.escalate_case(
        case,
        actor=people["leader"],
        to_unit=team,
        reason=_("涉案金额较大、涉及多个街道，提级由执法支队办理"),
        lead_officer=people["officer"],
        co_officer=second,
    )
    return True


def load_demo() -> str:
    found = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS.values())}
    if len(found) < len(ACCOUNTS) or CriminalTransfer.objects.exists():
        return _summary()
    people = {role: found[name] for role, name in ACCOUNTS.items()}
    candidates = _candidates()
    if len(candidates) < 3:
        return ""
    with transaction.atomic():
        _accepted_and_followed(
            _transfer(candidates[0], people, AdministrativePart.SUSPEND, _("销售假药罪"))
        )
        _refused(_transfer(candidates[1], people, AdministrativePart.CONTINUE, _("销售劣药罪")))
        _supervised(candidates[2], people)
        station_cases = [c for c in candidates[3:] if c.org_unit.kind == OrgUnitKind.STATION]
        if station_cases:
            _escalated(station_cases[0], people)
    return _summary()


def _summary() -> str:
    return _("涉嫌犯罪案件移送：%(t)d 件；挂牌督办：%(s)d 件") % {
        "t": CriminalTransfer.objects.count(),
        "s": CaseSupervision.objects.count(),
    }
