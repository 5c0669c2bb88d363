"""Read side of plans: scoped items, station × quarter loads, version diffs, coverage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from yaoan.analytics.planning import joint_count
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit, User
from yaoan.core.rules import WHOLE_DISTRICT, DataScope
from yaoan.core.scoping import station_condition, visible_to, within
from yaoan.plans import keylist
from yaoan.plans.enums import KeyListCode, PlanStatus
from yaoan.plans.models import AnnualPlan, KeyListRule, PlanItem
from yaoan.registry.models import Entity


def scope_items(qs: QuerySet[PlanItem], scope: DataScope) -> QuerySet[PlanItem]:
    return within(scope, qs, station="station")


def items_visible_to(user: User, plan: AnnualPlan) -> QuerySet[PlanItem]:
    return visible_to(user, PlanItem.objects.filter(plan=plan), station="station")


def plans_with_counts(scope: DataScope) -> QuerySet[AnnualPlan]:
    """Plans with ``item_count`` and ``visits`` over the items the scope sees: a station
    counts its own items, not the district's (S9)."""
    mine = station_condition(scope, "items__station")
    return AnnualPlan.objects.select_related("approved_by").annotate(
        item_count=Count("items", filter=mine),
        visits=Sum("items__required_count", filter=mine),
        # the submit guard's question, whatever the scope (services._has_items)
        has_any_item=Exists(PlanItem.objects.filter(plan=OuterRef("pk"))),
    )


def reference_plan(year: int) -> AnnualPlan | None:
    """The plan that counts for a year: the approved version, else the newest open one."""
    plans = AnnualPlan.objects.filter(year=year)
    return (
        plans.filter(status=PlanStatus.APPROVED).first()
        or plans.filter(status__in=(PlanStatus.DRAFT, PlanStatus.SUBMITTED))
        .order_by("-version")
        .first()
    )


@dataclass
class LoadRow:
    station_id: int
    station: str
    items: int
    quarters: list[int]

    @property
    def total(self) -> int:
        return sum(self.quarters)

    @property
    def spread(self) -> int:
        return max(self.quarters) - min(self.quarters)


def station_loads(items: QuerySet[PlanItem]) -> list[LoadRow]:
    """Visits per station and quarter, one aggregate query."""
    rows = (
        items.order_by()
        .values("station_id", "station__name", "station__short_name")
        .annotate(n=Count("id"), s1=Sum("q1"), s2=Sum("q2"), s3=Sum("q3"), s4=Sum("q4"))
        .order_by("station_id")
    )
    return [
        LoadRow(
            station_id=r["station_id"],
            station=r["station__short_name"] or r["station__name"],
            items=r["n"],
            quarters=[r["s1"] or 0, r["s2"] or 0, r["s3"] or 0, r["s4"] or 0],
        )
        for r in rows
    ]


def load_totals(rows: list[LoadRow]) -> LoadRow:
    return LoadRow(
        station_id=0,
        station=_("合计"),
        items=sum(r.items for r in rows),
        quarters=[sum(r.quarters[q] for r in rows) for q in range(4)],
    )


def _bureau() -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU, parent__isnull=True)
        .order_by("sort_order", "code")
        .first()
    )


def issuer_name() -> str:
    bureau = _bureau()
    return bureau.name if bureau else ""


def district_name() -> str:
    """The district as the bureau names it: 青江区市场监督管理局 → 青江区."""
    return issuer_name().removesuffix("市场监督管理局").removesuffix("市场监管局")


def document_prefix() -> str:
    """文号 prefix of approved plans, e.g. 青江市监药检."""
    district = district_name()
    short = district[:-1] if len(district) > 2 and district[-1] in "区县市" else district
    return f"{short}市监药检"


def plan_title(plan: AnnualPlan) -> str:
    """公文 title, e.g. 青江区2027年度药品安全重点检查清单."""
    return _("%(d)s%(y)s年度药品安全重点检查清单") % {"d": district_name(), "y": plan.year}


# --- versions ----------------------------------------------------------------------------


@dataclass
class VersionDiff:
    added: int = 0
    removed: int = 0
    count_changed: int = 0
    quarters_changed: int = 0
    station_changed: int = 0
    joint_changed: int = 0
    visits_before: int = 0
    visits_after: int = 0

    @property
    def unchanged(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.count_changed
            or self.quarters_changed
            or self.station_changed
            or self.joint_changed
        )


ItemMap = dict[int, tuple[int, tuple[int, ...], int, bool]]


def _item_maps(plans: list[AnnualPlan], scope: DataScope) -> dict[int, ItemMap]:
    """Each plan's items the scope sees, by entity, read in one query for all the plans."""
    maps: dict[int, ItemMap] = {plan.pk: {} for plan in plans}
    rows = scope_items(PlanItem.objects.filter(plan__in=plans), scope).values_list(
        "plan_id", "entity_id", "required_count", "q1", "q2", "q3", "q4", "station_id", "joint"
    )
    for r in rows:
        maps[r[0]][r[1]] = (r[2], (r[3], r[4], r[5], r[6]), r[7], r[8])
    return maps


def _diff(before: ItemMap, after: ItemMap) -> VersionDiff:
    diff = VersionDiff(
        added=len(after.keys() - before.keys()),
        removed=len(before.keys() - after.keys()),
        visits_before=sum(v[0] for v in before.values()),
        visits_after=sum(v[0] for v in after.values()),
    )
    for entity_id in before.keys() & after.keys():
        old, new = before[entity_id], after[entity_id]
        diff.count_changed += old[0] != new[0]
        diff.quarters_changed += old[0] == new[0] and old[1] != new[1]
        diff.station_changed += old[2] != new[2]
        diff.joint_changed += old[3] != new[3]
    return diff


def version_diff(
    previous: AnnualPlan, current: AnnualPlan, scope: DataScope = WHOLE_DISTRICT
) -> VersionDiff:
    """What changed between two versions in the items the scope sees: an item moved to
    another station has left this station's list."""
    maps = _item_maps([previous, current], scope)
    return _diff(maps[previous.pk], maps[current.pk])


def versions_with_diffs(
    year: int, scope: DataScope = WHOLE_DISTRICT
) -> list[tuple[AnnualPlan, VersionDiff | None]]:
    plans = list(
        plans_with_counts(scope)
        .filter(year=year)
        .select_related("generated_by", "submitted_by")
        .order_by("version")
    )
    maps = _item_maps(plans, scope)  # not a query per version (the versions page is a list)
    out: list[tuple[AnnualPlan, VersionDiff | None]] = []
    for index, plan in enumerate(plans):
        diff = _diff(maps[plans[index - 1].pk], maps[plan.pk]) if index else None
        out.append((plan, diff))
    return list(reversed(out))


# --- coverage of the mandated categories ----------------------------------------------------


@dataclass(frozen=True)
class CoverageCategory:
    code: str
    mandate: str  # as the documents state it


COVERAGE_CATEGORIES = [
    CoverageCategory(KeyListCode.VACCINE_UNIT, "100%"),
    CoverageCategory(KeyListCode.COSMETICS_DEALER, "100%"),
    CoverageCategory(KeyListCode.VACCINE_JOINT, "≈5%"),
    CoverageCategory(KeyListCode.SPECIAL_DRUG, "100%"),
    CoverageCategory(KeyListCode.VOLUME_PROCUREMENT, "100%"),
    CoverageCategory(KeyListCode.MEDICAL_BEAUTY, "100%"),
    CoverageCategory(KeyListCode.TCM_PIECES, "100%"),
    CoverageCategory(KeyListCode.RURAL_FRINGE, "100%"),
]


@dataclass
class CoverageRow:
    code: str
    label: str
    mandate: str
    enabled: bool
    population: int
    required: int
    scheduled: int
    done: int | None

    @property
    def scheduled_short(self) -> int:
        return max(0, self.required - self.scheduled)


@dataclass
class CoverageReport:
    year: int
    plan: AnnualPlan | None
    rows: list[CoverageRow] = field(default_factory=list)
    done_available: bool = False
    done_note: str = ""


def _scoped_entities(scope: DataScope) -> QuerySet[Entity]:
    return within(scope, keylist.live_entities(), station="subdistrict__station")


def key_list_share(rule: KeyListRule) -> float:
    """The share a joint-inspection rule selects (default 5%)."""
    share = (rule.parameters or {}).get("share", 0.05)
    return float(share) if isinstance(share, int | float) else 0.05


def _planned_items(
    plan: AnnualPlan | None, scope: DataScope
) -> tuple[dict[int, int], dict[int, int]]:
    """The plan's items in scope per entity, all and joint, read once: the dashboard
    counted them with a query per category (a subquery of that category's selection)."""
    items: dict[int, int] = {}
    joint_items: dict[int, int] = {}
    if plan is None:
        return items, joint_items
    rows = scope_items(PlanItem.objects.filter(plan=plan), scope).values_list("entity_id", "joint")
    for entity_id, joint in rows:
        items[entity_id] = items.get(entity_id, 0) + 1
        if joint:
            joint_items[entity_id] = joint_items.get(entity_id, 0) + 1
    return items, joint_items


def coverage(
    year: int,
    done_counts: Mapping[int, int] | None,
    *,
    scope: DataScope = WHOLE_DISTRICT,
    joint_done: Mapping[int, int] | None = None,
) -> CoverageReport:
    """For each mandated category: entities required (in the registry now), scheduled (in
    the year's plan) and done (from the inspections' done-counter; None when no counter
    is connected). The joint row counts completed joint inspections when that counter is
    registered, else None."""
    plan = reference_plan(year)
    report = CoverageReport(year=year, plan=plan, done_available=done_counts is not None)
    rules = {
        r.code: r
        for r in KeyListRule.objects.filter(code__in=[c.code for c in COVERAGE_CATEGORIES])
    }
    base = _scoped_entities(scope)
    items, joint_items = _planned_items(plan, scope)
    for category in COVERAGE_CATEGORIES:
        rule = rules.get(category.code)
        if rule is None:
            continue
        selected = keylist.select(rule, year, base)
        member_set = set(selected.values_list("pk", flat=True))
        members = member_set
        joint = category.code == KeyListCode.VACCINE_JOINT
        required = joint_count(len(members), key_list_share(rule)) if joint else len(members)
        planned = joint_items if joint else items
        scheduled = sum(planned.get(pk, 0) for pk in member_set)
        counts = joint_done if joint else done_counts
        done = None if counts is None else sum(1 for pk in member_set if counts.get(pk, 0) > 0)
        report.rows.append(
            CoverageRow(
                code=category.code,
                label=rule.label,
                mandate=category.mandate,
                enabled=rule.enabled,
                population=len(members),
                required=required,
                scheduled=scheduled,
                done=done,
            )
        )
    return report
