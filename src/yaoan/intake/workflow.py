"""The intake item's legal state changes, as data (taken by core.transitions.take).

new → accepted (a case, a complaint verification or a risk item takes it over)
new → rejected (reason) · new → merged (into another item, reason) · new → new (keep
waiting, with a note why)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.core.workflow import Transition, Workflow
from yaoan.intake.enums import IntakeStatus
from yaoan.intake.rules import can_decide_item

S = IntakeStatus

INTAKE = Workflow(
    name="intake.intakeitem",
    label=_("线索与风险移交"),
    states=IntakeStatus,
    initial=S.NEW,
    transitions=(
        Transition(
            S.NEW,
            "accept",
            S.ACCEPTED,
            _("接收"),
            can_decide_item,
            verb="accepted",
            style="primary",
        ),
        Transition(
            S.NEW,
            "reject",
            S.REJECTED,
            _("不予接收"),
            can_decide_item,
            reason_required=True,
            verb="rejected",
            style="danger",
        ),
        Transition(
            S.NEW,
            "merge",
            S.MERGED,
            _("合并"),
            can_decide_item,
            reason_required=True,
            verb="merged",
        ),
        Transition(
            S.NEW,
            "keep",
            S.NEW,
            _("继续等待"),
            can_decide_item,
            reason_required=True,
            verb="kept_waiting",
        ),
    ),
)

WORKFLOWS = (INTAKE,)
