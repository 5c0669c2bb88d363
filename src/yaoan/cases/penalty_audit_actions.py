"""Chinese names of the discretion part's audit actions (merged into audit_actions.py's
table; the 严重失信主体名单's steps are named from its workflow)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PENALTY_ACTION_LABELS: dict[str, str | Promise] = {
    "cases.baseline.access.denied": _("越权访问被拒绝（裁量基准）"),
    "cases.listing.access.denied": _("越权访问被拒绝（严重失信主体名单）"),
    "cases.violation.created": _("新增裁量基准违法行为"),
    "cases.violation.changed": _("修改裁量基准违法行为"),
    "cases.circumstance.created": _("新增裁量情节"),
    "cases.circumstance.changed": _("修改裁量情节"),
    "cases.creditrule.created": _("新增信用调整规则"),
    "cases.creditrule.changed": _("修改信用调整规则"),
    "cases.assessment.saved": _("保存处罚裁量"),
    "cases.penalty.added": _("登记处罚到人"),
    "cases.penalty.removed": _("撤回处罚到人"),
    "cases.case.consequences_applied": _("处罚决定后果（信用、重点清单、从业禁止）"),
    "cases.dishonestylisting.proposed": _("提出列入严重失信主体名单"),
}
