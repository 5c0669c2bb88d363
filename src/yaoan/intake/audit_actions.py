"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "intake.access.denied": _("越权访问被拒绝（线索受理）"),
    "intake.entityevent.reported": _("报告监管对象事件"),
    "intake.entityevent.withdrawn": _("撤回监管对象事件"),
    "intake.intakeitem.submitted": _("移交线索"),
    "intake.intakeitem.accepted": _("受理线索"),
    "intake.intakeitem.rejected": _("不予受理线索"),
    "intake.intakeitem.merged": _("合并线索"),
    "intake.intakeitem.kept_waiting": _("线索暂缓处理"),
}
