"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "plans.access.denied": _("越权访问被拒绝（检查清单）"),
    "plans.frequency_rule.created": _("新增检查频次规则"),
    "plans.frequency_rule.updated": _("修改检查频次规则"),
    "plans.frequency_rule.deleted": _("删除检查频次规则"),
    "plans.key_list_rule.updated": _("修改重点清单规则"),
    "plans.rules.defaults_installed": _("安装默认规则"),
    "plans.plan.generated": _("生成年度清单"),
    "plans.plan.regenerated": _("重新生成年度清单"),
    "plans.plan.submitted": _("提交年度清单"),
    "plans.plan.approved": _("批准年度清单"),
    "plans.plan.returned": _("退回年度清单"),
    "plans.plan.superseded": _("年度清单被新版本取代"),
    "plans.plan.revision_started": _("开始修订年度清单"),
    "plans.plan.exported": _("导出年度清单"),
    "plans.item.added": _("清单增加对象"),
    "plans.item.edited": _("修改清单条目"),
    "plans.item.removed": _("移出清单"),
}
