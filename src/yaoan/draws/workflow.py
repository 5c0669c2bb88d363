"""The legal status changes of a draw, as data (core.workflow). A drawn draw is never drawn
again: a redraw is a new draw, and the old one is superseded (and stays visible).

committed ──execute──▶ drawn
    │                    │
    └──supersede─────────┴──supersede──▶ superseded

Executing also schedules the drawn visits: inspections.scheduling.execute_draw takes the
"execute" row through draws.services.execute_draw and then schedules them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.core.workflow import Transition, Workflow
from yaoan.draws.enums import DrawStatus
from yaoan.draws.rules import may_manage_draw

S = DrawStatus
DRAW = Workflow(
    name="draws.draw",
    label=_("双随机抽取"),
    states=DrawStatus,
    initial=S.COMMITTED,
    transitions=(
        Transition(
            S.COMMITTED,
            "execute",
            S.DRAWN,
            _("执行抽取"),
            may_manage_draw,
            guards=("period_open",),
            verb="executed",
            style="primary",
        ),
        Transition(
            S.COMMITTED,
            "supersede",
            S.SUPERSEDED,
            _("重新抽取"),
            may_manage_draw,
            reason_required=True,
            verb="superseded",
        ),
        Transition(
            S.DRAWN,
            "supersede",
            S.SUPERSEDED,
            _("重新抽取"),
            may_manage_draw,
            reason_required=True,
            verb="superseded",
        ),
    ),
)

WORKFLOWS = (DRAW,)
