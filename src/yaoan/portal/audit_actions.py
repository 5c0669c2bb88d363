"""Chinese names of this app's audit actions, for the audit log page and its export
(core/audit_log.py gathers every app's table; an action without a name shows its code)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    "portal.rate.limited": _("公众服务访问过于频繁被拒绝"),
}
