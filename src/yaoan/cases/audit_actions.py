"""Chinese names of this app's audit actions that are not workflow steps, for the audit log
page and its export (core/audit_log.py gathers every app's table; the workflow's steps are
named from its transitions)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yaoan.cases.penalty_audit_actions import PENALTY_ACTION_LABELS

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
    # documents, deliveries and reports (casedocs)
    "cases.documentdelivery.prepared": _("准备文书送达（送达回证）"),
    "cases.documentdelivery.recorded": _("登记文书送达"),
    "cases.typicalcase.reported": _("报送典型案例"),
    "cases.typicalcase.withdrawn": _("撤回典型案例"),
    "cases.typicalcase.report_generated": _("生成典型案例报送"),
    "cases.case.statistics_exported": _("导出案件统计"),
    # 行刑衔接, 挂牌督办, 提级办理 (their workflow steps are named from the tables)
    "cases.criminaltransfer.proposed": _("提出涉嫌犯罪案件移送"),
    "cases.criminaltransfer.followed_up": _("登记移送跟进情况"),
    "cases.criminaltransfer.document_attached": _("上传移送文书"),
    "cases.criminaltransfer.exported": _("导出涉嫌犯罪案件移送登记表"),
    "cases.casesupervision.flagged": _("登记挂牌督办"),
    "cases.casesupervision.progress_reported": _("报送督办进展"),
    "cases.case.escalated": _("提级办理"),
    **PENALTY_ACTION_LABELS,
}
