"""Chinese names of this app's audit actions that are not workflow steps, for the audit log
page and its export (core/audit_log.py gathers every app's table; the workflow's steps are
named from its transitions)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "complaints.access.denied": _("越权访问被拒绝（投诉举报）"),
    "complaints.complaint.received": _("登记投诉举报"),
    "complaints.complaint.entity_matched": _("匹配被投诉举报单位"),
    "complaints.complaint.exported": _("导出投诉举报"),
    "complaints.complaintreward.proposed": _("申请举报奖励"),
    "complaints.rewardrule.changed": _("修改举报奖励标准"),
}
