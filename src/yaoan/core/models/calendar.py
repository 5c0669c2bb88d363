"""The working-day calendar's overrides, statutory deadline rules and 文号 numbering."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaoan.core.enums import DeadlineUnit


class CalendarYearOverride(models.Model):
    """An administrator's statement that a year's official schedule has been loaded by hand.

    For such a year only weekends and the HolidayOverride rows decide; the package is
    not consulted, so a year the package does not know becomes usable (S20).
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度工作日历")
        verbose_name_plural = _("年度工作日历")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class HolidayOverride(models.Model):
    """A day whose status differs from the weekday rule: a holiday or a make-up workday."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("工作日"))
    name = models.CharField(_("说明"), max_length=50)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DeadlineRule(models.Model):
    """A statutory time limit as configuration (DESIGN.md "Rules with numbers")."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    label = models.CharField(_("名称"), max_length=100)
    amount = models.PositiveIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=16, choices=DeadlineUnit.choices)
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("期限规则")
        verbose_name_plural = _("期限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class DocumentSequence(models.Model):
    """The last number issued for one 文号 prefix and year."""

    prefix = models.CharField(_("文号前缀"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年份"))
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="core_docseq_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.last_number}"
