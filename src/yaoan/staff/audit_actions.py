"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "staff.access.denied": _("越权访问被拒绝（执法人员）"),
    "staff.conflict.recorded": _("登记利害关系"),
    "staff.conflict.removed": _("撤销利害关系"),
    "staff.profile.created": _("新建检查人员档案"),
    "staff.profile.updated": _("修改检查人员档案"),
    "staff.qualification.added": _("登记执法资格"),
    "staff.qualification.renewed": _("换发执法资格证书"),
    "staff.qualification.revoked": _("撤销执法资格"),
}
