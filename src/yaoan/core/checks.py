from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def audit_retention(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Logs are kept at least 180 days (Cybersecurity Law art. 21, S16)."""
    if settings.AUDIT_RETENTION_DAYS < 180:
        return [Error("YAOAN_AUDIT_RETENTION_DAYS must be at least 180", id="yaoan.E001")]
    return []
