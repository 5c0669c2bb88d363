"""Core models, by aggregate. Every model is imported here, so it keeps app_label "core"
and the rest of the code imports from ``yaoan.core.models``."""

from __future__ import annotations

from yaoan.core.models.audit import AuditChainHead, AuditEvent
from yaoan.core.models.calendar import (
    CalendarYearOverride,
    DeadlineRule,
    DocumentSequence,
    HolidayOverride,
)
from yaoan.core.models.deadlines import (
    Deadline,
    DeadlineExtension,
    DeadlineSuspension,
    Notification,
)
from yaoan.core.models.files import (
    Attachment,
    BackgroundJob,
    DocumentTemplate,
    GeneratedDocument,
)
from yaoan.core.models.org import (
    ApiToken,
    OrgUnit,
    PasswordHistory,
    RoleAssignment,
    Subdistrict,
    User,
    UserSession,
)

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "BackgroundJob",
    "CalendarYearOverride",
    "Deadline",
    "DeadlineExtension",
    "DeadlineRule",
    "DeadlineSuspension",
    "DocumentSequence",
    "DocumentTemplate",
    "GeneratedDocument",
    "HolidayOverride",
    "Notification",
    "OrgUnit",
    "PasswordHistory",
    "RoleAssignment",
    "Subdistrict",
    "User",
    "UserSession",
]
