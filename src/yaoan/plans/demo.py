"""Demo step: the approved key inspection plan of the year the demo's history begins in.

Generated in the district's first week by the demo's drug-section chief and approved the
next day by a second person: the leader (qj.leader), or the device/cosmetics section chief
when YAOAN_PLAN_APPROVER_ROLE is "chief" (each on its own day of the history, see
core.demo.clock). A later year's plan is approved by the inspections step's history in that
year's January, through ``approve_year``. Plans count visits per quarter and never consult
the working-day calendar, so a year the holiday package does not know yet (2027) works too.

Idempotent: nothing happens when the year already has an approved plan.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.core.demo import clock
from yaoan.core.models import User
from yaoan.plans import rule_services, services
from yaoan.plans.enums import PlanStatus
from yaoan.plans.models import AnnualPlan, PlanItem

GENERATOR = "qj.chief"
# a second person approves (plans.rules): the leader, or another chief by configuration
APPROVERS = {"leader": "qj.leader", "chief": "qj.devicechief"}
GENERATED_ON = 1  # days after the district went live
APPROVED_ON = 2


def approve_year(year: int, generate_on: dt.date, approve_on: dt.date) -> AnnualPlan | None:
    """Generate and submit ``year``'s plan on ``generate_on``, approve it on ``approve_on``."""
    generator = User.objects.filter(username=GENERATOR).first()
    approver = User.objects.filter(username=APPROVERS[settings.PLAN_APPROVER_ROLE]).first()
    if generator is None or approver is None:
        return None
    with transaction.atomic():
        with clock.at(generate_on):
            rule_services.ensure_default_rules(actor=generator, source="demo")
            plan = services.generate_plan(
                year=year, actor=generator, note=_("演示数据：按默认规则生成"), source="demo"
            )
            services.submit_plan(actor=generator, plan=plan)
        with clock.at(approve_on, 60):
            return services.approve_plan(actor=approver, plan=plan)


def load_demo_plan() -> str:
    today = timezone.localdate()
    year = clock.go_live(today).year
    if AnnualPlan.objects.filter(year=year, status=PlanStatus.APPROVED).exists():
        return ""
    plan = approve_year(
        year, clock.history_day(today, GENERATED_ON), clock.history_day(today, APPROVED_ON)
    )
    if plan is None:
        return ""
    items = PlanItem.objects.filter(plan=plan).count()
    return _("年度重点检查清单：%(y)s年第%(v)s版已批准（%(n)d 个对象，文号 %(d)s）。") % {
        "y": year,
        "v": plan.version,
        "n": items,
        "d": plan.document_number,
    }
