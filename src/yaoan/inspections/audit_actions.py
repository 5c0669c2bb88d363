"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "inspections.access.denied": _("越权访问被拒绝（监督检查）"),
    "inspections.finding.escalated": _("移交问题线索"),
    "inspections.inspection.scheduled": _("安排检查"),
    "inspections.inspection.started": _("开始检查"),
    "inspections.inspection.draft_saved": _("保存检查记录"),
    "inspections.inspection.confirmation_failed": _("同行人员确认失败"),
    "inspections.inspection.submitted": _("提交检查"),
    "inspections.inspection.amended": _("更正检查记录"),
    "inspections.inspection.cancelled": _("取消检查"),
    "inspections.photo.added": _("上传检查照片"),
    "inspections.photo.digest_mismatch": _("照片摘要不符（疑被篡改）"),
    "inspections.plan.scheduled": _("按清单安排检查"),
    "inspections.rectification.opened": _("下达责令改正通知"),
    "inspections.rectification.responded": _("企业报送整改情况"),
    "inspections.rectification.closed": _("整改销号"),
    "inspections.rectification.reinspected": _("整改复查"),
    "inspections.result.published": _("公示检查结果"),
    "inspections.rectification.reopened": _("复查未通过，重新整改"),
    "inspections.inspection.amendment_proposed": _("提出检查记录更正"),
    "inspections.inspection.amendment_approved": _("批准检查记录更正"),
    "inspections.inspection.amendment_rejected": _("驳回检查记录更正"),
    "inspections.rectificationorder.issued": _("下达责令改正通知书"),
}
