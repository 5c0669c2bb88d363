"""What the case's documents leave behind beside the stored files: the delivery of a set of
documents to the party (with its 送达回证), and the cases a unit reports as typical in a
month (yeji 附件8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.cases.enums import DeliveryMethod
from yaoan.core.models import Attachment, GeneratedDocument, OrgUnit, User
from yaoan.core.pii.fields import PersonalDataField


class DocumentDelivery(models.Model):
    """One delivery of documents to the party: prepared (the 送达回证 printed, listing the
    documents) and then recorded as done (how, when, who signed; the signed receipt or the
    electronic confirmation stored as an attachment of the case)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="document_deliveries"
    )
    documents = models.ManyToManyField(GeneratedDocument, related_name="+")
    # 三书同达: the decision and its two notices delivered together
    is_decision_set = models.BooleanField(_("三书同达"), default=False)
    receipt_document = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("送达回证"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(
        _("送达方式"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    place = models.CharField(_("送达地点"), max_length=200, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    receiver = PersonalDataField(_("签收人"), kind="name", max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    receipt = models.ForeignKey(
        Attachment,
        verbose_name=_("签收回证或电子送达确认"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("准备时间"))
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书送达")
        verbose_name_plural = _("文书送达")
        ordering = ["case", "prepared_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_method_display() or _('待送达')}"

    @property
    def is_done(self) -> bool:
        return self.delivered_on is not None


class TypicalCase(models.Model):
    """A case a unit reports as typical for a month (1–2 per unit, yeji 附件8): the two
    parts of the report as the unit writes them, prefilled from the case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="typical_report"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("报送月份"))  # the first day of the month
    overview = models.TextField(_("案情概述"))
    result = models.TextField(_("查办结果"))
    selected_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    selected_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("典型案例报送")
        verbose_name_plural = _("典型案例报送")
        ordering = ["month", "org_unit", "id"]
        indexes = [models.Index(fields=["month", "org_unit"], name="cases_typical_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.case}"
