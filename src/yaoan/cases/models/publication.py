"""行政处罚信息公示: what the portal shows of one decided case — the summary of 第四条 as
the staff prepared it, with personal data kept out — and when it was published, until when
it stays public, and why it was withdrawn (信用修复) or not published at all."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yaoan.cases.publication_enums import (
    ExemptionCause,
    PublicationStatus,
    PublicationTerm,
    WithdrawalCause,
)


class PenaltyPublication(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="publication", verbose_name=_("案件")
    )
    status = models.CharField(
        _("公示状态"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PENDING,
    )
    # 第四条 行政处罚信息摘要: the public text, reviewed by a person before it goes out
    decision_number = models.CharField(_("行政处罚决定书文号"), max_length=64, blank=True)
    party_name = models.CharField(_("当事人名称"), max_length=200, blank=True)
    party_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    violation_type = models.CharField(_("违法行为类型"), max_length=200, blank=True)
    facts = models.TextField(_("主要违法事实"), max_length=2000, blank=True)
    penalty_content = models.TextField(_("行政处罚内容"), max_length=1000, blank=True)
    legal_basis = models.TextField(_("处罚依据"), max_length=1000, blank=True)
    authority = models.CharField(_("处罚机关"), max_length=100, blank=True)
    decided_on = models.DateField(_("处罚决定日期"))
    term = models.CharField(
        _("公示期限"),
        max_length=16,
        choices=PublicationTerm.choices,
        default=PublicationTerm.THREE_YEARS,
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公示人"),
    )
    public_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤下人"),
    )
    withdrawal_cause = models.CharField(
        _("撤下原因"), max_length=20, choices=WithdrawalCause.choices, blank=True
    )
    exemption_cause = models.CharField(
        _("不予公示原因"), max_length=20, choices=ExemptionCause.choices, blank=True
    )
    note = models.TextField(_("说明"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("行政处罚信息公示")
        verbose_name_plural = _("行政处罚信息公示")
        indexes = [
            # the portal's list: published and still within its term, newest first
            models.Index(fields=["status", "public_until", "published_at"], name="case_pub_public"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number or self.case_id} {self.party_name}"

    def get_absolute_url(self) -> str:
        return reverse("cases:publication_detail", args=[self.pk])
