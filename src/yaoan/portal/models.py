"""What the public pages' guards remember, in the database so every server process (one per
core) sees the same: the proof-of-work challenges already spent, and the per-address
counters of the rate limits. Neither holds an address in clear (a keyed digest)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpentChallenge(models.Model):
    """A solved challenge that was presented once: presenting it again is a replay. Kept
    until the challenge would have expired anyway, then pruned."""

    challenge = models.CharField(_("挑战"), max_length=128, unique=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("已使用的安全验证")
        verbose_name_plural = _("已使用的安全验证")

    def __str__(self) -> str:
        return self.challenge[:16]


class RateCounter(models.Model):
    """Requests of one kind from one address (keyed digest) in one fixed window."""

    key = models.CharField(_("键"), max_length=100)
    window_start = models.DateTimeField(_("时段开始"), db_index=True)
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("访问计数")
        verbose_name_plural = _("访问计数")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="portal_rate_one_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%H:%M} {self.count}"
