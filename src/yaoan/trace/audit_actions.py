"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "trace.access.denied": _("越权访问被拒绝（药品追溯）"),
    "trace.file.ingested": _("导入追溯数据文件"),
    "trace.file.duplicate": _("追溯数据文件重复"),
    "trace.file.rejected": _("追溯数据文件被拒绝"),
    "trace.ingest.submitted": _("提交追溯数据导入"),
    "trace.ingest.finished": _("完成追溯数据导入"),
    "trace.ingest.refused": _("拒绝追溯数据导入（无导入权限）"),
}
