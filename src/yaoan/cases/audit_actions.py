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
    # publication and 案卷评查 (publication_services, review_services)
    "cases.publication.prepared": _("拟写行政处罚公示内容"),
    "cases.publication.updated": _("修改行政处罚公示内容"),
    "cases.publication.published": _("公示行政处罚信息"),
    "cases.publication.exempted": _("登记依法不予公示"),
    "cases.publication.withdrawn": _("撤下行政处罚公示信息"),
    "cases.publication.access.denied": _("越权访问被拒绝（行政处罚公示）"),
    "cases.review.assigned": _("分配案卷评查"),
    "cases.review.submitted": _("提交案卷评查结果"),
    "cases.review_round.started": _("开展年度案件回头看"),
    "cases.review_round.exported": _("导出案卷评查结果"),
    "cases.review.access.denied": _("越权访问被拒绝（案卷评查）"),
    "cases.review.organize.denied": _("无权组织回头看被拒绝"),
    "cases.review.assign.denied": _("无权分配案卷评查被拒绝"),
    "cases.review.submit.denied": _("无权提交案卷评查被拒绝"),
    "cases.review_round.access.denied": _("越权访问被拒绝（评查批次）"),
}
