"""Chinese names of this app's audit actions that are not workflow steps, for the audit log
page and its export (core/audit_log.py gathers every app's table; the workflow's steps are
named from its transitions)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "cases.access.denied": _("越权访问被拒绝（案件）"),
    "cases.case.registered": _("案件登记"),
    "cases.case.statement_recorded": _("登记陈述申辩"),
    "cases.case.collective_discussion_recorded": _("登记集体讨论"),
    "cases.case.clock_suspended": _("办案期限中止计时"),
    "cases.case.clock_resumed": _("办案期限恢复计时"),
    "cases.case.extension_requested": _("申请延长办案期限"),
    "cases.evidence.recorded": _("登记证据"),
    "cases.evidence.withdrawn": _("撤回证据"),
    "cases.seizeditem.recorded": _("登记查封扣押物品"),
    "cases.seizeditem.disposed": _("登记涉案物品处置"),
}
