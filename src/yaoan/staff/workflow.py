"""The legal status changes of a qualification (执法资格), as data (core.workflow). Nothing
is deleted: a renewal is a new certificate row that replaces this one, a revocation keeps
the row with its reason. "Expired" is not a state: it is read from the dates.

active ──renew──▶ renewed
   └─────revoke──▶ revoked
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.core.workflow import Transition, Workflow
from yaoan.staff.enums import QualificationStatus
from yaoan.staff.rules import may_manage_qualification

S = QualificationStatus
QUALIFICATION = Workflow(
    name="staff.qualification",
    label=_("执法资格"),
    states=QualificationStatus,
    initial=S.ACTIVE,
    transitions=(
        Transition(
            S.ACTIVE,
            "renew",
            S.RENEWED,
            _("换证"),
            may_manage_qualification,
            verb="renewed",
            style="primary",
        ),
        Transition(
            S.ACTIVE,
            "revoke",
            S.REVOKED,
            _("撤销"),
            may_manage_qualification,
            reason_required=True,
            verb="revoked",
        ),
    ),
)

WORKFLOWS = (QUALIFICATION,)
