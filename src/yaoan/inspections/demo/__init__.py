"""The inspections of the demo district (青江区): a year of work loaded the way it would
have happened (inspections.demo.history: quarters opened, visits done on their days,
orders answered or left overdue, results published), then today's work for each station's
inspector and a joint draw with the 卫健委 committed and waiting to be executed.

Idempotent: nothing happens when the demo already has inspections.
"""

from __future__ import annotations

import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core.calendar import CalendarYearUnknownError
from yaoan.core.demo.timeline import Timeline
from yaoan.core.models import User
from yaoan.core.sweep import sweep_deadlines
from yaoan.draws import demo as draws_demo
from yaoan.inspections import scheduling
from yaoan.inspections.demo.history import load_history
from yaoan.inspections.demo.visits import History
from yaoan.inspections.enums import InspectionKind
from yaoan.inspections.models import Inspection
from yaoan.registry.enums import EntityStatus
from yaoan.registry.models import Entity

SEED = 20261123
CHIEF = "qj.chief"
# today's work: (station, its inspector, the bureau inspector who joins them)
TODAY = (
    ("qj-station-jiangcheng", "qj.inspector1", "qj.inspector"),
    ("qj-station-guihua", "qj.inspector2", "qj.inspector"),
    ("qj-station-shimen", "qj.inspector3", "qj.inspector"),
)
TODAY_VISITS = 2
DEMO_USERS = {CHIEF} | {name for _s, *pair in TODAY for name in pair}


def load() -> str:
    if Inspection.objects.exists():
        return ""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS)}
    if set(users) != DEMO_USERS:
        return ""
    history = History(Timeline(), random.Random(SEED), users[CHIEF])
    try:
        with transaction.atomic():
            load_history(history)
            planned_today = _today(users, history.rng)
            pending = _pending_joint_draw(users[CHIEF])
    except (CalendarYearUnknownError, ValidationError) as exc:
        # from December the deadlines reach a year the calendar may not know yet (S20)
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _("演示检查记录未生成：%(e)s") % {"e": message}
    overdue = sweep_deadlines().overdue
    tally = history.tally
    return _(
        "演示检查：%(q)s 共 %(n)d 次检查已完成，责令整改 %(o)d 份（复查销号 %(m)d 份），"
        "公示抽查结果 %(p)d 次，逾期期限 %(d)d 项；今日待检 %(t)d 次；待抽取的联合抽查 %(j)d 次。"
    ) % {
        "q": "、".join(tally.quarters),
        "n": tally.done,
        "o": tally.orders,
        "m": tally.met,
        "p": tally.published,
        "d": overdue,
        "t": planned_today,
        "j": pending,
    }


def _pending_joint_draw(chief: User) -> int:
    """This year's joint draw, committed and waiting for the chief to execute it."""
    spec = draws_demo.joint_draw_spec(timezone.localdate().year)
    try:
        draws_demo.draw_until_feasible(chief, spec)
    except ValidationError as exc:
        if not draws_demo.is_infeasible(exc):
            raise
        return 0  # left for the chief to draw by hand; the history stays
    return 1


def _today(users: dict[str, User], rng: random.Random) -> int:
    """Two visits per station scheduled for today, for its inspector and the bureau's."""
    today = timezone.localdate()
    count = 0
    for station, local, bureau in TODAY:
        busy = Inspection.objects.filter(scheduled_for=today).values("entity_id")
        entities = list(
            Entity.objects.filter(
                subdistrict__station__code=station,
                status=EntityStatus.OPERATING,
                is_deleted=False,
            )
            .exclude(pk__in=busy)
            .order_by("id")
        )
        for entity in rng.sample(entities, k=min(len(entities), TODAY_VISITS)):
            scheduling.schedule_inspection(
                actor=users[CHIEF],
                entity=entity,
                kind=InspectionKind.PLANNED,
                scheduled_for=today,
                inspectors=[users[local], users[bureau]],
            )
            count += 1
    return count
