"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "core.access.denied": _("越权访问被拒绝"),
    "core.api_token.issued": _("申领 API 令牌"),
    "core.api_token.rejected": _("API 令牌被拒绝"),
    "core.api_token.revoked": _("撤销 API 令牌"),
    "core.auth.login": _("登录"),
    "core.auth.login_failed": _("登录失败"),
    "core.auth.login_refused_locked": _("账号锁定，拒绝登录"),
    "core.auth.logout": _("退出登录"),
    "core.calendar.year_loaded": _("载入年度工作日历"),
    "core.deadline.opened": _("开始计时（期限）"),
    "core.deadline.met": _("期限办结"),
    "core.deadline.cancelled": _("撤销期限"),
    "core.deadline.overdue": _("期限逾期"),
    "core.deadline.suspended": _("中止计时"),
    "core.deadline.resumed": _("恢复计时"),
    "core.deadline.recomputed": _("重新计算期限"),
    "core.deadline.swept": _("期限巡检"),
    "core.deadline.extension_requested": _("申请延长期限"),
    "core.deadline.extension_pending": _("申请延长期限"),
    "core.deadline.extension_approved": _("批准延长期限"),
    "core.deadline.extension_rejected": _("不批准延长期限"),
    "core.deadline_rule.changed": _("修改期限规则"),
    "core.document.denied": _("拒绝下载文书"),
    "core.document.downloaded": _("下载文书"),
    "core.document.generated": _("生成文书"),
    "core.document.tampered": _("文书摘要不符（疑被篡改）"),
    "core.document_template.reverted": _("恢复默认文书模板"),
    "core.document_template.uploaded": _("上传文书模板"),
    "core.org_unit.created": _("新建单位"),
    "core.subdistrict.created": _("新建镇街"),
    "core.session.ended": _("结束会话"),
    "core.user.activated": _("启用账号"),
    "core.user.created": _("新建账号"),
    "core.user.deactivated": _("停用账号"),
    "core.user.forced_logout": _("强制下线"),
    "core.user.password_changed": _("修改密码"),
    "core.user.roles_changed": _("调整角色"),
    "core.user.totp_enrolled": _("绑定动态口令"),
    "core.user.unlocked": _("解除锁定"),
    "core.audit.exported": _("导出审计日志"),
}
