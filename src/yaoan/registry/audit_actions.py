"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "registry.access.denied": _("越权访问被拒绝（监管对象）"),
    "registry.demo.bulk_loaded": _("载入演示数据"),
    "registry.entity.created": _("登记监管对象"),
    "registry.entity.updated": _("修改监管对象"),
    "registry.entity.deleted": _("删除监管对象"),
    "registry.entity.restored": _("恢复监管对象"),
    "registry.entity.exported": _("导出监管对象"),
    "registry.entity.personal_data_viewed": _("查看完整联系电话"),
    "registry.entity_import.submitted": _("提交监管对象导入"),
    "registry.entity_import.finished": _("完成监管对象导入"),
    "registry.licence.created": _("登记证照"),
    "registry.licence.updated": _("修改证照"),
    "registry.product.created": _("登记产品"),
    "registry.entity.risk_grade_changed": _("调整风险等级"),
    "registry.entity.credit_class_changed": _("调整信用分类"),
}
