"""The complaints of the demo district (青江区): a year of 投诉举报 from every channel, each
taken as far along its path as the time since it arrived allows — accepted, verified,
mediated, turned into a clue, replied to, evaluated, closed; some not accepted, some
transferred (inside the bureau and to the 卫健委), some left waiting past their clocks —
all through complaints.services, each step on its own day under core.demo.clock, the
steps of all complaints run in date order so the audit log reads like the year.

Reporters are synthetic (seeded Faker, zh_CN; phones in the 1990000xxxx range, which no
operator assigns). Idempotent: nothing happens once any complaint exists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from yaoan.common.demo_steps import Schedule
from yaoan.complaints import services
from yaoan.complaints.enums import Channel, ComplaintKind, ComplaintStatus
from yaoan.complaints.models import Complaint
from yaoan.core.calendar import CalendarYearUnknownError
from yaoan.core.demo import clock
from yaoan.core.models import OrgUnit, User
from yaoan.core.sweep import sweep_deadlines
from yaoan.registry.enums import EntityStatus, ProductClass
from yaoan.registry.models import Entity

SEED = 20261207
CHIEF = "qj.chief"
STATION_HANDLERS = {
    "qj-station-jiangcheng": "qj.inspector1",
    "qj-station-guihua": "qj.inspector2",
    "qj-station-shimen": "qj.inspector3",
}
OUTSIDE_UNIT = "qj-dept-health"
COUNT = 120
STARTS_ON = 20  # days after go-live (core.demo.clock.history_day): after the set-up steps
CHANNELS = (
    Channel.PHONE,
    Channel.LETTER,
    Channel.EMAIL,
    Channel.VISIT,
    Channel.TRANSFER_12315,
    Channel.TRANSFER_CITY,
)
# the path each complaint follows (cycled, so every state has its rows); a path stops
# early where the next step's day has not come yet — or, for "stalled", on purpose
PATHS = (
    "mediation",
    "clue",
    "no_violation",
    "mediation",
    "clue",
    "not_accept",
    "transfer_inside",
    "transfer_outside",
    "stalled_acceptance",
    "stalled_verification",
    "no_evaluation",
    "transfer_refused",
    "awaiting_mediation",
    "awaiting_reply",
    "awaiting_clue",
    "awaiting_evaluation",
    "awaiting_transfer",
    "clue_awaiting_reply",
    "awaiting_close",
)
CONTENTS: dict[str, tuple[str, ...]] = {
    ComplaintKind.COMPLAINT: (
        "在该店购买的{p}存在质量问题，要求退货退款，商家拒绝。",
        "该店销售的{p}价格与标价不符，多收费用，协商未果。",
        "购买{p}后发现包装破损、说明书缺失，要求更换被拒。",
    ),
    ComplaintKind.REPORT: (
        "举报该店销售过期{p}，货架上仍有过期产品。",
        "举报该店无执业药师在岗即销售处方药。",
        "举报该单位销售来源不明的{p}，无进货票据。",
        "举报该店冷藏{p}未按规定冷藏储存。",
    ),
}
PRODUCT_WORDS = {
    ProductClass.DRUG: "药品",
    ProductClass.DEVICE: "医疗器械",
    ProductClass.COSMETIC: "化妆品",
}


@dataclass
class DemoComplaint:
    path: str
    received: dt.date
    entity: Entity | None
    kind: str
    complaint: Complaint | None = None
    steps: list[tuple[dt.date, str]] = field(default_factory=list)


class Loader:
    def __init__(self, users: dict[str, User], rng: random.Random, fake: Faker) -> None:
        self.users, self.rng, self.fake = users, rng, fake
        self.outside = OrgUnit.objects.filter(code=OUTSIDE_UNIT).first()
        self.stations = {u.code: u for u in OrgUnit.objects.filter(code__in=list(STATION_HANDLERS))}

    def handler(self, complaint: Complaint) -> User:
        code = complaint.org_unit.code
        return self.users[STATION_HANDLERS[code]] if code in STATION_HANDLERS else self.users[CHIEF]

    def other_station(self, complaint: Complaint) -> OrgUnit:
        others = [u for c, u in sorted(self.stations.items()) if u.pk != complaint.org_unit_id]
        return others[complaint.pk % len(others)]

    # --- one complaint's arrival and steps ---------------------------------------------

    def receive(self, item: DemoComplaint, n: int) -> None:
        product = self.rng.choice(list(ProductClass))
        anonymous = item.kind == ComplaintKind.REPORT and n % 3 == 0
        entity = item.entity
        channel = CHANNELS[n % len(CHANNELS)]
        station = entity.subdistrict.station if entity is not None else None
        receiver = STATION_HANDLERS.get(station.code if station else "", CHIEF)
        item.complaint = services.receive_complaint(
            actor=self.users[receiver],
            data=services.ComplaintInput(
                kind=item.kind,
                channel=channel,
                product_class=product,
                content=self.rng.choice(CONTENTS[item.kind]).format(p=PRODUCT_WORDS[product])
                + _("（演示数据 %(n)d）") % {"n": n},
                subject_name=entity.name if entity else self.fake.company(),
                subject_address=entity.address if entity else self.fake.street_address(),
                entity=entity,
                anonymous=anonymous,
                reporter_name="" if anonymous else self.fake.name(),
                reporter_phone="" if anonymous else f"1990000{n:04d}",
                received_at=timezone.now(),
                external_number=f"12315-DEMO-{n:05d}" if channel == Channel.TRANSFER_12315 else "",
            ),
        )

    def take(self, item: DemoComplaint, step: str) -> None:
        assert item.complaint is not None  # received on an earlier day
        c = Complaint.objects.select_related("org_unit", "transfer_to").get(pk=item.complaint.pk)
        actor = self.handler(c)
        steps: dict[str, Callable[[], object]] = {
            "accept": lambda: services.accept_complaint(c, actor=actor),
            "not_accept": lambda: services.not_accept_complaint(
                c,
                actor=actor,
                legal_reason="not_our_duty",
                reason=_("属于劳动争议，已告知向劳动监察部门反映"),
            ),
            "verify_violation": lambda: services.verify_complaint(
                c, actor=actor, findings=_("现场核查，情况属实，已固定证据。"), violation_found=True
            ),
            "verify_clean": lambda: services.verify_complaint(
                c,
                actor=actor,
                findings=_("现场核查，未发现所反映的违法行为。"),
                violation_found=False,
            ),
            "mediate": lambda: services.mediate_complaint(
                c, actor=actor, outcome="agreed", note=_("双方达成一致，商家退款。")
            ),
            "to_clue": lambda: services.send_to_clue(c, actor=actor, summary=c.findings),
            "reply": lambda: services.reply_complaint(
                c,
                actor=actor,
                text=_("您反映的问题已核查处理，感谢您的监督。"),
                channel=Channel.PHONE,
            ),
            "evaluate": lambda: services.record_evaluation(
                c, actor=actor, evaluation=self.rng.choice(("satisfied", "satisfied", "basic"))
            ),
            "close": lambda: services.close_complaint(
                c, actor=actor, reason="" if c.evaluation else _("反映人未作评价")
            ),
            "transfer_inside": lambda: services.transfer_complaint(
                c,
                actor=actor,
                to_unit_id=self.other_station(c).pk,
                reason=_("经营地址属另一监管所辖区"),
            ),
            "transfer_outside": lambda: services.transfer_complaint(
                c,
                actor=actor,
                to_unit_id=self.outside.pk if self.outside else None,
                reason=_("涉及医疗机构诊疗行为，属卫生健康部门职责"),
            ),
            "confirm_transfer": lambda: services.confirm_transfer(
                c, actor=self.receiving_handler(c), note=_("已接收")
            ),
            "refuse_transfer": lambda: services.refuse_transfer(
                c, actor=self.receiving_handler(c), reason=_("经核实，该单位在原所辖区")
            ),
            "confirm_handover": lambda: services.confirm_handover(
                c, actor=actor, reason=_("区卫生健康委已签收转办函")
            ),
        }
        steps[step]()

    def receiving_handler(self, c: Complaint) -> User:
        code = c.transfer_to.code if c.transfer_to else ""
        return self.users[STATION_HANDLERS[code]] if code in STATION_HANDLERS else self.users[CHIEF]


def _path_steps(path: str, kind: str) -> list[str]:
    steps = _steps_of(path)
    if kind == ComplaintKind.COMPLAINT and "reply" in steps and "mediate" not in steps:
        # a complaint is answered after its mediation, never straight after verification
        steps.insert(steps.index("verify_clean") + 1, "mediate")
    return steps


def _steps_of(path: str) -> list[str]:
    tail = ["reply", "evaluate", "close"]
    return {
        "mediation": ["accept", "verify_clean", "mediate", *tail],
        "clue": ["accept", "verify_violation", "to_clue", *tail],
        "no_violation": ["accept", "verify_clean", *tail],
        "not_accept": ["not_accept"],
        "transfer_inside": ["transfer_inside", "confirm_transfer", "accept"],
        "transfer_outside": ["transfer_outside", "confirm_handover"],
        "transfer_refused": ["transfer_inside", "refuse_transfer"],
        "stalled_acceptance": [],
        "stalled_verification": ["accept"],
        "no_evaluation": ["accept", "verify_clean", "reply", "close"],
        "awaiting_mediation": ["accept", "verify_clean"],
        "awaiting_reply": ["accept", "verify_clean", "mediate"],
        "awaiting_clue": ["accept", "verify_violation"],
        "awaiting_evaluation": ["accept", "verify_clean", "reply"],
        "awaiting_transfer": ["transfer_inside"],
        "clue_awaiting_reply": ["accept", "verify_violation", "to_clue"],
        "awaiting_close": ["accept", "verify_clean", "reply", "evaluate"],
    }[path]


def _kind(path: str, n: int) -> str:
    if path in ("mediation", "awaiting_mediation", "awaiting_reply"):
        return ComplaintKind.COMPLAINT
    if path in ("clue", "stalled_verification", "awaiting_clue", "clue_awaiting_reply"):
        return ComplaintKind.REPORT
    return ComplaintKind.COMPLAINT if n % 2 else ComplaintKind.REPORT


def plan(today: dt.date, rng: random.Random) -> list[DemoComplaint]:
    first = clock.history_day(today, STARTS_ON)
    span = max((today - first).days, 1)
    entities = list(
        Entity.objects.filter(status=EntityStatus.OPERATING, is_deleted=False)
        .select_related("subdistrict__station")
        .order_by("id")
    )
    items = []
    for n in range(COUNT):
        path = PATHS[n % len(PATHS)]
        received = first + dt.timedelta(days=span * n // COUNT)
        matched = entities and n % 7 != 0
        item = DemoComplaint(
            path, received, rng.choice(entities) if matched else None, _kind(path, n)
        )
        day = received
        for step in _path_steps(path, item.kind):
            day += dt.timedelta(days=rng.randint(2, 9))
            if day >= today:
                break
            item.steps.append((day, step))
        items.append(item)
    return items


Event = tuple[dt.date, int, int, str]
OFFICE_MINUTES = 10  # minutes into the working day: before the inspections' visit slots
# set when the history ran on the inspections' timeline in this process: the step's summary
_scheduled: list[int] = []


def _events() -> tuple[Loader, list[DemoComplaint], list[Event]] | None:
    names = {CHIEF, *STATION_HANDLERS.values()}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    if Complaint.objects.exists() or set(users) != names:
        return None
    rng = random.Random(SEED)
    fake = Faker("zh_CN")
    fake.seed_instance(SEED)
    items = plan(timezone.localdate(), rng)
    # every arrival and every step, in date order (arrivals first on a shared day)
    events = sorted(
        [(i.received, 0, n, "receive") for n, i in enumerate(items)]
        + [
            (day, 1 + k, n, step)
            for n, i in enumerate(items)
            for k, (day, step) in enumerate(i.steps)
        ]
    )
    return Loader(users, rng, fake), items, events


def _runner(loader: Loader, items: list[DemoComplaint], n: int, step: str) -> Callable[[], None]:
    def run() -> None:
        if step == "receive":
            loader.receive(items[n], n)
        else:
            loader.take(items[n], step)

    return run


def _timed(events: list[Event]) -> list[tuple[dt.date, int, Event]]:
    """Each event with its minutes into its day: office hours, a few minutes apart."""
    done_on: dict[dt.date, int] = {}
    timed = []
    for event in events:
        done_on[event[0]] = done_on.get(event[0], 0) + 1
        timed.append((event[0], OFFICE_MINUTES + 3 * done_on[event[0]], event))
    return timed


def schedule_history(add: Schedule) -> None:
    """The year of complaints, on the demo's one timeline (common.demo_steps.DemoHistory):
    the audit log of every module then reads in date order."""
    found = _events()
    if found is None:
        return
    loader, items, events = found
    for day, minutes, (_day, _order, n, step) in _timed(events):
        add(day, _runner(loader, items, n, step), minutes)
    _scheduled.append(len(items))


def load_demo() -> str:
    """The summary of the history the timeline ran; on its own (the inspections' history
    already loaded earlier), the same year run here in date order."""
    if _scheduled and Complaint.objects.exists():
        return _summary(_scheduled.pop())
    found = _events()
    if found is None:
        return ""
    loader, items, events = found
    try:
        with transaction.atomic():
            for day, minutes, (_day, _order, n, step) in _timed(events):
                with clock.at(day, minutes):
                    _runner(loader, items, n, step)()
    except (CalendarYearUnknownError, ValidationError) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _("演示投诉举报未生成：%(e)s") % {"e": message}
    sweep_deadlines()
    return _summary(len(items))


def _summary(count: int) -> str:
    by_state = {s: Complaint.objects.filter(status=s).count() for s in ComplaintStatus}
    shown = "，".join(f"{s.label} {n}" for s, n in by_state.items() if n)
    return _("演示投诉举报 %(n)d 件：%(s)s。") % {"n": count, "s": shown}
