"""One visit of the demo's history and what follows it, each step through the services at
its own moment: the team fills in the checklist on site and submits it, the partner
confirming with their one-time code; the business answers a rectification order and the
station re-inspects (passed, or a new deadline); the chief publishes a random inspection's
result. A share of each is left undone, so the deadline lists have overdue work too."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils import timezone

from yaoan.core.demo.accounts import current_code
from yaoan.core.demo.timeline import Timeline
from yaoan.core.models import User
from yaoan.inspections import publication, rectification, services
from yaoan.inspections.enums import InspectionStatus, ItemResult
from yaoan.inspections.models import Inspection, RectificationOrder

DONE_SHARE = 0.94  # visits of the past that were done; the rest are still open
ANSWERED_SHARE = 0.8  # orders the business answered (the others run overdue)
PASSED_SHARE = 0.85  # re-inspections that found the problem put right
PUBLISHED_SHARE = 0.9  # random-inspection results the chief published
RESPONSE = "已按要求整改，补充相关记录并组织培训"


@cache
def problems() -> dict[str, dict[str, str]]:
    path = Path(__file__).with_name("data") / "findings.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass
class Tally:
    done: int = 0
    orders: int = 0
    met: int = 0
    published: int = 0
    quarters: list[str] = field(default_factory=list)


@dataclass
class History:
    timeline: Timeline
    rng: random.Random
    chief: User
    tally: Tally = field(default_factory=Tally)

    def visit(self, inspection: Inspection) -> None:
        """Plan the visit on its day, if it was done."""
        if self.rng.random() < DONE_SHARE:
            self.timeline.add(inspection.scheduled_for, lambda: self._inspect(inspection.pk))

    def _failing(self, inspection: Inspection) -> dict[str, str]:
        found = problems().get(inspection.checklist.code, {})
        if not found or self.rng.random() < 0.5:
            return {}
        chosen = self.rng.sample(sorted(found), k=min(len(found), self.rng.choice([1, 1, 2])))
        return {number: found[number] for number in chosen}

    def _inspect(self, pk: int) -> None:
        inspection = Inspection.objects.select_related("checklist").get(pk=pk)
        if inspection.status != InspectionStatus.SCHEDULED:
            return
        team = sorted(inspection.inspectors.all(), key=lambda u: u.username)
        # the entity's own station leads; a drawn team may come from another one
        lead = next((u for u in team if u.org_unit_id == inspection.station_id), team[0])
        partner = next(u for u in team if u.pk != lead.pk)
        failing = self._failing(inspection)
        records = {
            item.pk: (
                (ItemResult.NON_COMPLIANT, failing[item.number])
                if item.number in failing
                else (ItemResult.COMPLIANT, "")
            )
            for item in inspection.checklist.items.all()
        }
        services.save_draft(actor=lead, inspection=inspection, records=records)
        inspection = services.submit_inspection(
            actor=lead,
            inspection=inspection,
            co_inspector=partner,
            co_code=current_code(partner),
        )
        self.tally.done += 1
        # the station follows the order up: its own inspector, or the chief for a drawn team
        # from other stations
        local = lead if lead.org_unit_id == inspection.station_id else self.chief
        self._follow_up(inspection, local)

    def _follow_up(self, inspection: Inspection, lead: User) -> None:
        today = timezone.localdate()
        order = getattr(inspection, "rectification", None)
        if order is not None:
            self.tally.orders += 1
            if self.rng.random() < ANSWERED_SHARE:
                day = self.timeline.workdays_after(today, self.rng.randint(3, 12))
                self.timeline.add(day, lambda: self._respond(order.pk, lead), self._minutes())
        if inspection.publication_due and self.rng.random() < PUBLISHED_SHARE:
            day = self.timeline.workdays_after(today, self.rng.randint(1, 5))
            self.timeline.add(day, lambda: self._publish(inspection.pk), self._minutes())

    def _minutes(self) -> int:
        """Office work between the visits: 25 minutes off every visit slot, so it never
        starts at the same moment as a visit (the audit log stays in date order)."""
        return 45 + 40 * self.rng.randrange(0, 11)

    def _respond(self, pk: int, inspector: User) -> None:
        order = RectificationOrder.objects.get(pk=pk)
        rectification.record_rectification_response(actor=inspector, order=order, response=RESPONSE)
        day = self.timeline.workdays_after(timezone.localdate(), self.rng.randint(2, 8))
        self.timeline.add(day, lambda: self._reinspect(pk, inspector), self._minutes())

    def _reinspect(self, pk: int, inspector: User) -> None:
        order = RectificationOrder.objects.get(pk=pk)
        if self.rng.random() < PASSED_SHARE:
            rectification.record_reinspection(
                actor=inspector, order=order, passed=True, note="复查整改到位"
            )
            self.tally.met += 1
            return
        rectification.record_reinspection(
            actor=inspector,
            order=order,
            passed=False,
            note="部分问题仍未整改到位，重新限期整改",
            working_days=10,
        )
        day = self.timeline.workdays_after(timezone.localdate(), self.rng.randint(5, 12))
        self.timeline.add(day, lambda: self._respond(pk, inspector), self._minutes())

    def _publish(self, pk: int) -> None:
        inspection = Inspection.objects.get(pk=pk)
        self.tally.published += publication.publish_results(
            actor=self.chief, inspections=[inspection]
        )
