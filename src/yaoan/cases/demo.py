"""The cases part of the demo district (synthetic): cases in every state of the penalty
procedure, written through the normal services with the clock set to the moments they
happened (core.demo.clock) — the two 移送立案 clues of the clues demo opened as cases, the
rest registered by the enforcement team from inspections, sampling and referrals: closed
(penalty, no penalty, simple procedure), executed, delivered, decided, heard, in a hearing,
in the statement period, awaiting the notice, in legal review, in review, investigating
with the clock suspended for testing, overdue after an extension, awaiting filing (one
past its filing limit), not filed, revoked, terminated and transferred.

Each case is a story: a generator that yields the (day, minutes) of its next step before
taking it, on the demo's one timeline (common.demo_steps.DemoHistory, run by the
inspections step) so every module's audit log reads in date order; loaded on its own the
same stories run here in date order (core.demo.timeline). Idempotent: nothing changes
once a case exists."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from yaoan.cases import evidence_services, penalty_demo, penalty_services, services
from yaoan.cases.enums import CaseSource, CaseStatus
from yaoan.cases.models import Case
from yaoan.clues.enums import ClueStatus
from yaoan.clues.models import Clue
from yaoan.core.deadlines import decide_extension
from yaoan.core.demo.timeline import (
    Story,
    StoryHistory,
    weekday_after,
    weekday_before,
)
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.registry.models import Entity

ACCOUNTS = {
    "chief": "qj.chief",
    "leader": "qj.leader",
    "officer": "qj.case",
    "partner": "qj.case2",
    "legal": "qj.legal",
}

Step = Callable[[Case], Any]


@dataclass(frozen=True)
class Cast:
    people: dict[str, User]
    entities: list[Entity]
    today: dt.date

    def __getitem__(self, role: str) -> User:
        return self.people[role]


def _cast() -> Cast | None:
    """Who and what the stories need; None when the district lacks them or has cases."""
    found = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS.values())}
    if len(found) < len(ACCOUNTS) or Case.objects.exists():
        return None
    stations = OrgUnit.objects.filter(kind=OrgUnitKind.STATION, code__startswith="qj-")
    entities: list[Entity] = []
    for station in stations.order_by("sort_order", "code"):
        grid = Entity.objects.filter(subdistrict__station=station).order_by("id")
        entities.extend(grid[4:10])  # past the ones the clues demo names
    if len(entities) < 6:
        return None
    people = {role: found[name] for role, name in ACCOUNTS.items()}
    return Cast(people, entities, timezone.localdate())


def _photo(shade: int) -> evidence_services.EvidenceFile:
    """A small synthetic site photo (a grey card), as a phone would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", (96, 72), (shade, shade, shade)).save(buffer, format="PNG")
    return evidence_services.EvidenceFile(name=f"现场照片{shade}.png", content=buffer.getvalue())


# --- the steps, as functions of a case --------------------------------------------------------


class Steps:
    """The procedure's steps taken by the demo's people, each a function of the case."""

    def __init__(self, c: Cast) -> None:
        self.c = c

    def approve(self, case: Case) -> Any:
        return services.approve_filing(case, actor=self.c["chief"], note="符合立案条件，同意立案")

    def evidence(self, case: Case) -> Any:
        officer = case.lead_officer
        evidence_services.record_evidence(
            case,
            actor=officer,
            kind="site_record",
            title="现场检查笔录",
            place=case.party_name,
            description="现场检查情况、涉案药品存放位置",
        )
        evidence_services.record_evidence(
            case,
            actor=officer,
            kind="photo",
            title="涉案药品货架照片",
            place=case.party_name,
            file=_photo(120 + case.pk % 100),
        )
        return evidence_services.record_evidence(
            case,
            actor=officer,
            kind="inquiry",
            title="当事人询问笔录",
            description="当事人对购进渠道、销售数量的陈述",
        )

    def seize(self, case: Case) -> Any:
        return evidence_services.record_seized_item(
            case,
            actor=case.lead_officer,
            measure="seize",
            name="涉案药品",
            specification="批号 20260318",
            quantity=Decimal("24"),
            quantity_unit="盒",
            location="区局涉案物品保管室A柜",
        )

    def dispose(self, case: Case) -> Any:
        for item in case.seized_items.filter(disposal=""):
            evidence_services.dispose_seized_item(
                item, actor=case.lead_officer, disposal="confiscated", note="依处罚决定没收"
            )

    def finish(self, case: Case) -> Any:
        return services.finish_investigation(
            case,
            actor=case.lead_officer,
            report="经查，当事人从无资质单位购进药品并销售，违法事实清楚，证据确凿。",
            proposal="建议依据药品管理法第一百二十九条给予行政处罚。",
        )

    def review(self, case: Case) -> Any:
        return services.review(case, actor=self.c["chief"], opinion="事实清楚，同意处理建议")

    def assess(self, case: Case) -> Any:
        return penalty_demo.assess(case, actor=case.lead_officer)

    def blacklist(self, case: Case) -> Any:
        return penalty_demo.list_business(
            case, proposer=case.lead_officer, approver=self.c["chief"]
        )

    def legal(self, case: Case) -> Any:
        return services.legal_review(
            case, actor=self.c["legal"], opinion="主体认定准确，适用依据正确，程序合法"
        )

    def notice(self, case: Case) -> Any:
        return services.serve_notice(case, actor=case.lead_officer, method="direct")

    def ask_hearing(self, case: Case) -> Any:
        return services.request_hearing(case, actor=case.lead_officer)

    def hearing(self, case: Case) -> Any:
        return services.record_hearing(
            case, actor=case.lead_officer, summary="当事人对违法事实无异议，请求从轻处罚"
        )

    def decide(self, case: Case) -> Any:
        # the fines and confiscated income the assessment proposed (penalty_demo.assess)
        total = penalty_services.money_total(case)
        return services.decide(
            case,
            actor=self.c["chief"],
            outcome="penalty",
            summary=f"依法给予行政处罚，罚没款合计{total}元",
            fine_total=total,
        )

    def no_penalty(self, case: Case) -> Any:
        return services.decide(
            case,
            actor=self.c["chief"],
            outcome="no_penalty",
            summary="违法行为轻微并及时改正，没有造成危害后果，依行政处罚法第三十三条不予行政处罚",
        )

    def deliver(self, case: Case) -> Any:
        return services.record_delivery(
            case, actor=case.lead_officer, method="direct", note="送达回证已签收"
        )

    def execute(self, case: Case) -> Any:
        return services.record_execution(
            case, actor=case.lead_officer, method="paid", note="罚没款已缴入国库"
        )

    def close(self, case: Case) -> Any:
        return services.close_case(case, actor=self.c["chief"], note="案件办理完毕")

    def suspend(self, case: Case) -> Any:
        return services.suspend_clock(
            case, actor=case.lead_officer, kind="testing", reason="涉案药品送区药检所检验"
        )

    def resume(self, case: Case) -> Any:
        return services.resume_clock(case, actor=case.lead_officer)

    def extend(self, case: Case) -> Any:
        extension = services.request_extension(
            case, actor=case.lead_officer, reason="涉案批次多、需异地协查，申请延长30日"
        )
        return decide_extension(extension, actor=self.c["leader"], approve=True)


# --- the stories --------------------------------------------------------------------------


def _opened(c: Cast, n: int, day: dt.date, title: str, source: str, label: str) -> Case:
    entity = c.entities[n % len(c.entities)]
    data = services.CaseInput(
        title=title,
        facts=f"{label}：{title}",
        lead_officer=c["officer"],
        co_officer=c["partner"],
        source=source,
        source_label=label,
        entity=entity,
        discovered_on=day,
    )
    return services.open_case(actor=c["officer"], data=data)


def _story(c: Cast, n: int, ago: int, title: str, steps: Sequence[tuple[int, Step]]) -> Story:
    """Registered ``ago`` days before today, then each step on its day after that."""
    day = weekday_before(c.today, ago)
    yield day, 40
    source, label = SOURCES[n % len(SOURCES)]
    pk = _opened(c, n, day, title, source, label).pk
    for i, (after, step) in enumerate(steps):
        yield weekday_after(day, after), 60 + 5 * i
        step(Case.objects.get(pk=pk))


def _from_clue(c: Cast, ago: int, steps: Sequence[tuple[int, Step]]) -> Story:
    """The oldest 移送立案 clue still waiting on the day becomes a case (the clues demo
    sends two); without one the story ends."""
    day = weekday_before(c.today, ago)
    yield day, 200
    clue = (
        Clue.objects.filter(status=ClueStatus.FOR_CASE, cases__isnull=True)
        .order_by("decided_at", "id")
        .first()
    )
    if clue is None:
        return
    case = services.open_case_from_clue(
        clue, actor=c["officer"], lead_officer=c["officer"], co_officer=c["partner"]
    )
    for i, (after, step) in enumerate(steps):
        yield weekday_after(day, after), 220 + 5 * i
        step(Case.objects.get(pk=case.pk))


SOURCES = (
    (CaseSource.INSPECTION, "日常监督检查发现"),
    (CaseSource.SAMPLING, "药品抽检不合格 抽检〔2026〕"),
    (CaseSource.REFERRAL, "区医保局移送"),
    (CaseSource.COMPLAINT, "投诉举报核查发现"),
)


def _stories(c: Cast) -> list[Story]:
    s = Steps(c)
    to_notice = [
        (2, s.approve), (3, s.evidence), (20, s.finish), (22, s.review), (24, s.assess),
        (25, s.legal),
    ]  # fmt: skip
    served = [*to_notice, (27, s.notice)]
    return [
        _story(
            c,
            0,
            220,
            "从非法渠道购进药品",
            [
                *served[:2],
                (4, s.seize),
                *served[2:],
                (30, s.suspend),
                (40, s.resume),
                (52, s.decide),
                (54, s.deliver),
                (66, s.execute),
                (67, s.dispose),
                (70, s.blacklist),
            ],
        ),
        _story(
            c,
            1,
            200,
            "未按规定储存需冷藏药品",
            [
                *served,
                (41, s.no_penalty),
                (43, s.deliver),
                (45, s.close),
            ],
        ),
        _simple(c, 150),
        _story(c, 3, 75, "销售超过有效期的药品", [*served, (41, s.decide), (43, s.deliver)]),
        _story(c, 4, 60, "药品经营企业未凭处方销售处方药", [*served, (44, s.decide)]),
        _story(
            c,
            5,
            80,
            "销售未经注册的医疗器械",
            [
                *served,
                (29, s.ask_hearing),
                (40, s.hearing),
            ],
        ),
        _story(c, 6, 45, "化妆品经营者未履行进货查验义务", [*served, (29, s.ask_hearing)]),
        _from_clue(
            c,
            33,
            [
                (1, s.approve),
                (2, s.evidence),
                (12, s.finish),
                (14, s.review),
                (16, s.assess),
                (18, s.legal),
                (30, s.notice),
            ],
        ),
        _story(c, 7, 40, "药品零售企业执业药师不在岗销售处方药", to_notice),
        _story(c, 8, 30, "医疗器械经营企业未建立进货查验记录", to_notice[:4]),
        _story(c, 9, 26, "销售劣药", to_notice[:3]),
        _from_clue(c, 24, [(1, s.approve), (2, s.evidence), (6, s.suspend)]),
        _story(
            c,
            10,
            130,
            "涉嫌销售假药（待检验认定）",
            [
                (2, s.approve),
                (3, s.evidence),
                (80, s.extend),
            ],
        ),
        _story(c, 11, 25, "网络销售处方药未审核处方", []),
        _story(c, 12, 6, "药店未按规定陈列药品", []),
        _story(c, 13, 100, "举报核查：未发现违法事实", [(8, _refuse(c))]),
        _story(c, 14, 90, "进货票据不全", [(2, s.approve), (3, s.evidence), (20, _revoke(c))]),
        _story(c, 15, 110, "个体诊所销售药品", [(2, s.approve), (30, _terminate(c))]),
        _story(
            c,
            16,
            50,
            "涉嫌生产销售假药（金额巨大）",
            [
                (2, s.approve),
                (3, s.evidence),
                (5, _transfer(c)),
            ],
        ),
    ]


def _simple(c: Cast, ago: int) -> Story:
    """简易程序: a small fine decided on the spot, paid, closed."""
    day = weekday_before(c.today, ago)
    yield day, 50
    entity = c.entities[2 % len(c.entities)]
    data = services.CaseInput(
        title="未按规定展示药品经营许可证",
        facts="现场检查发现药品经营许可证未悬挂于醒目位置",
        lead_officer=c["officer"],
        co_officer=c["partner"],
        source=CaseSource.INSPECTION,
        source_label="日常监督检查发现",
        entity=entity,
        discovered_on=day,
        procedure="simple",
    )
    case = services.open_case(actor=c["officer"], data=data)
    yield day, 70
    case = services.decide_on_spot(
        case, actor=c["officer"], summary="警告，并处罚款500元", fine=Decimal("500")
    )
    # decide_on_spot hands the decision over in the same call (当场交付)
    yield weekday_after(day, 5), 60
    case = services.record_execution(case, actor=c["officer"], method="paid", note="当场缴纳")
    yield weekday_after(day, 6), 60
    services.close_case(case, actor=c["chief"], note="简易程序案件办理完毕")


def _refuse(c: Cast) -> Step:
    return lambda case: services.refuse_filing(
        case, actor=c["chief"], end_reason="no_violation", reason="经核查，违法事实不成立"
    )


def _revoke(c: Cast) -> Step:
    return lambda case: services.revoke_filing(
        case, actor=c["chief"], end_reason="no_violation", reason="补充票据证实购进渠道合法"
    )


def _terminate(c: Cast) -> Step:
    return lambda case: services.terminate(
        case, actor=c["chief"], end_reason="party_gone", reason="当事人已注销且无权利义务承受人"
    )


def _transfer(c: Cast) -> Step:
    return lambda case: services.transfer_to_authority(
        case, actor=c["chief"], to="重庆市公安局青江区分局", reason="涉嫌生产、销售假药罪"
    )


# --- running the stories -------------------------------------------------------------------


def _stories_now() -> list[Story] | None:
    cast = _cast()
    return None if cast is None else _stories(cast)


def _summary() -> str:
    cases = Case.objects.all()
    return _("案件：%(n)d 件（其中已结案 %(c)d 件、由线索立案 %(l)d 件）") % {
        "n": cases.count(),
        "c": cases.filter(status=CaseStatus.CLOSED).count(),
        "l": cases.filter(clue__isnull=False).count(),
    }


HISTORY = StoryHistory(_stories_now, Case.objects.exists, _summary)
schedule_history = HISTORY.schedule  # the demo's one timeline (common.demo_steps.DemoHistory)
load_demo = HISTORY.load
