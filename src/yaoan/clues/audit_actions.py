"""Chinese names of this app's audit actions that are not workflow steps, for the audit log
page and its export (core/audit_log.py gathers every app's table; the workflow's steps are
named from its transitions)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "clues.access.denied": _("越权访问被拒绝（线索）"),
    "clues.clue.registered": _("登记线索"),
    "clues.clue.taken_over": _("线索已立案"),
}
