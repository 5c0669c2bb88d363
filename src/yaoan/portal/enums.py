"""Coded refusals of the public forms (yaoan.common.errors: the API and pages answer by kind)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yaoan.common.errors import ErrorCode


class PortalError(ErrorCode):
    CHALLENGE_MISSING = "challenge_missing", _("请等待页面完成安全验证后再提交")
    CHALLENGE_INVALID = "challenge_invalid", _("安全验证未通过，请刷新页面后重新提交")
    CHALLENGE_EXPIRED = "challenge_expired", _("安全验证已过期，请重新提交")
    CHALLENGE_SPENT = "challenge_spent", _("此安全验证已使用过，请重新提交")
    RATE_LIMITED = "rate_limited", _("操作过于频繁，请稍后再试")
