"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "draws.access.denied": _("越权访问被拒绝（随机抽取）"),
    "draws.conflict.recorded": _("登记利害关系"),
    "draws.conflict.removed": _("撤销利害关系"),
    "draws.draw.committed": _("公示抽取承诺值"),
    "draws.draw.executed": _("执行随机抽取"),
    "draws.draw.superseded": _("重新抽取（原抽取作废）"),
    "draws.draw.verified": _("复核抽取结果"),
    "draws.profile.created": _("新建检查人员档案"),
    "draws.profile.updated": _("修改检查人员档案"),
}
