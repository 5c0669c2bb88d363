"""What a section chief asks of a draw (``DrawSpec``) and its checks before anything is
written: the title, the units, a joint draw's member department, the selection a column
can hold, and the inspection period of the drawn visits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yaoan.analytics.draws.inputs import BASIS_POINTS
from yaoan.common.errors import INVALID, invalid
from yaoan.core.enums import OrgUnitKind
from yaoan.core.models import OrgUnit
from yaoan.draws.enums import MANDATORY_RULES, AvoidanceRule, DrawKind, SelectionMode
from yaoan.draws.models import Draw

# Draw.selection_value is a PositiveIntegerField: an integer column on PostgreSQL
MAX_SELECTION_VALUE = 2**31 - 1
MAX_VISIT_PERIOD_DAYS = 366


@dataclass
class DrawSpec:
    """What a section chief asks for; everything else is frozen from the database."""

    title: str
    kind: str
    selection_mode: str
    selection_value: int
    inspector_units: list[OrgUnit]
    pool_filters: dict[str, str] = field(default_factory=dict)
    inspectors_per_entity: int = 2
    partner_unit: OrgUnit | None = None
    rules: frozenset[str] = frozenset(AvoidanceRule.values)
    # the inspection period of the drawn visits; empty: from today to the quarter's end
    visits_from: dt.date | None = None
    visits_until: dt.date | None = None

    def __post_init__(self) -> None:
        # whatever a form, the API or an old draw's flags say, recorded conflicts apply
        self.rules = frozenset(str(rule) for rule in self.rules) | MANDATORY_RULES

    @classmethod
    def of(cls, draw: Draw) -> DrawSpec:
        rules = {
            AvoidanceRule.GRID: draw.avoid_grid,
            AvoidanceRule.CONFLICT: draw.avoid_conflict,
            AvoidanceRule.LAST_INSPECTION: draw.avoid_last_inspection,
        }
        return cls(
            title=draw.title,
            kind=draw.kind,
            selection_mode=draw.selection_mode,
            selection_value=draw.selection_value,
            inspector_units=list(draw.inspector_units.all()),
            pool_filters=dict(draw.pool_filters),
            inspectors_per_entity=draw.inspectors_per_entity,
            partner_unit=draw.partner_unit,
            rules=frozenset(str(rule) for rule, on in rules.items() if on),
            visits_from=draw.visits_from,
            visits_until=draw.visits_until,
        )


def quarter_end(day: dt.date) -> dt.date:
    last_month = (day.month - 1) // 3 * 3 + 3  # 3, 6, 9 or 12
    if last_month == 12:
        return dt.date(day.year, 12, 31)
    return dt.date(day.year, last_month + 1, 1) - dt.timedelta(days=1)


def default_visit_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The rest of the quarter: the period a draw's visits fall in unless the chief sets one."""
    return today, quarter_end(today)


def visit_period(spec: DrawSpec, today: dt.date) -> tuple[dt.date, dt.date]:
    """The spec's inspection period, defaults filled: not starting in the past, not ending
    before it starts, at most a year long."""
    start = spec.visits_from or today
    end = spec.visits_until or max(quarter_end(start), start)
    if start < today:
        raise invalid(
            "in_the_past",
            _("检查期限的开始日期（%(d)s）不能早于今天。") % {"d": start.isoformat()},
            field="visits_from",
        )
    if end < start:
        raise invalid(
            INVALID,
            _("检查期限的结束日期（%(e)s）不能早于开始日期（%(s)s）。")
            % {"e": end.isoformat(), "s": start.isoformat()},
            field="visits_until",
        )
    if (end - start).days > MAX_VISIT_PERIOD_DAYS:
        raise invalid(INVALID, _("检查期限不能超过一年。"), field="visits_until")
    return start, end


def _check_spec(spec: DrawSpec) -> None:
    if not spec.title.strip():
        raise invalid(INVALID, _("请填写抽取名称。"), field="title")
    if not spec.inspector_units:
        raise invalid(INVALID, _("请选择检查人员来源单位。"), field="inspector_units")
    if spec.kind == DrawKind.JOINT:
        unit = spec.partner_unit
        if unit is None or unit.kind != OrgUnitKind.MEMBER_DEPARTMENT:
            raise invalid(
                INVALID,
                _("联合抽查须选择一个成员单位（如卫健委）。"),
                field="partner_unit",
            )
    elif spec.partner_unit is not None:
        raise invalid(INVALID, _("只有联合抽查才选择成员单位。"), field="partner_unit")
    _check_selection(spec)


def _check_selection(spec: DrawSpec) -> None:
    """Before the draw row is written: a value its column cannot hold is a clear refusal,
    not a database error."""
    value = spec.selection_value
    if spec.selection_mode == SelectionMode.RATIO and not 1 <= value <= BASIS_POINTS:
        raise invalid(INVALID, _("抽取比例须在 0.01% 到 100% 之间。"), field="selection_value")
    if not 1 <= value <= MAX_SELECTION_VALUE:
        raise invalid(
            INVALID,
            _("抽取数量须在 1 到 %(max)d 之间。") % {"max": MAX_SELECTION_VALUE},
            field="selection_value",
        )
