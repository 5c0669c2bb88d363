"""What each key-list rule selects.

Built-in rules are evaluated on the registry (one query each); the rules about the last 12
months need data from modules that register a source (plans.extensions). Every built-in
selector returns a queryset of live entities, so the same definition serves plan generation
(ids) and the coverage panel (counts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from yaoan.intake.enums import EntityEventKind
from yaoan.intake.producers import producer_installed
from yaoan.intake.queries import entities_with_events, event_window
from yaoan.plans.enums import EXTERNAL_CODES, EXTERNAL_SOURCE_MODULES, KeyListCode
from yaoan.plans.extensions import KEY_LIST_SOURCES, KeyListSource
from yaoan.plans.models import KeyListRule
from yaoan.registry.enums import EntityStatus, EntityType, LicenceKind, LicenceStatus
from yaoan.registry.models import Entity, Licence

Selector = Callable[[QuerySet[Entity], Mapping[str, Any], int], QuerySet[Entity]]


def live_entities() -> QuerySet[Entity]:
    """Entities that can be inspected: not deleted, not cancelled (注销)."""
    return Entity.objects.filter(is_deleted=False).exclude(status=EntityStatus.CANCELLED)


def _typed(qs: QuerySet[Entity], params: Mapping[str, Any]) -> QuerySet[Entity]:
    """Only the listed types: a rule whose list was emptied selects nobody, never every
    entity of the district."""
    return qs.filter(entity_type__in=params.get("entity_types") or [])


def _narrowed(qs: QuerySet[Entity], params: Mapping[str, Any]) -> QuerySet[Entity]:
    """For the rules another attribute defines: entity_types narrows them only when set."""
    return _typed(qs, params) if "entity_types" in params else qs


def _by_type(qs: QuerySet[Entity], params: Mapping[str, Any], year: int) -> QuerySet[Entity]:
    return _typed(qs, params)


def _valid_licences() -> QuerySet[Licence]:
    return Licence.objects.filter(status=LicenceStatus.VALID)


def _special_drug(qs: QuerySet[Entity], params: Mapping[str, Any], year: int) -> QuerySet[Entity]:
    holders = _valid_licences().filter(kind=LicenceKind.SPECIAL_DRUG).values("entity_id")
    return _narrowed(qs, params).filter(Q(handles_special_drugs=True) | Q(pk__in=holders))


def _volume(qs: QuerySet[Entity], params: Mapping[str, Any], year: int) -> QuerySet[Entity]:
    return _typed(qs, params).filter(in_volume_procurement=True)


def _beauty(qs: QuerySet[Entity], params: Mapping[str, Any], year: int) -> QuerySet[Entity]:
    return _narrowed(qs, params).filter(offers_medical_beauty=True)


def _tcm(qs: QuerySet[Entity], params: Mapping[str, Any], year: int) -> QuerySet[Entity]:
    keyword = str(params.get("scope_keyword") or "中药饮片")
    holders = _valid_licences().filter(scope__contains=keyword).values("entity_id")
    return _narrowed(qs, params).filter(pk__in=holders)


def _new_licence(qs: QuerySet[Entity], params: Mapping[str, Any], year: int) -> QuerySet[Entity]:
    """The entity's earliest licence or filing was issued in the year before the plan's."""
    first_issued = (
        Licence.objects.values("entity_id")
        .annotate(first=Min(Coalesce("issued_on", "valid_from")))
        .filter(first__year=year - 1)
        .values("entity_id")
    )
    return _typed(qs, params).filter(pk__in=first_issued)


def _area(qs: QuerySet[Entity], params: Mapping[str, Any], year: int) -> QuerySet[Entity]:
    areas = params.get("area_types") or []
    return _typed(qs, params).filter(subdistrict__area_type__in=areas)


# the rules whose population is a list of entity types: they need a non-empty one
TYPED_RULES = frozenset(
    {
        KeyListCode.VACCINE_UNIT,
        KeyListCode.VACCINE_JOINT,
        KeyListCode.COSMETICS_DEALER,
        KeyListCode.VOLUME_PROCUREMENT,
        KeyListCode.NEW_LICENCE,
        KeyListCode.RURAL_FRINGE,
    }
)

BUILTIN_SELECTORS: dict[str, Selector] = {
    KeyListCode.VACCINE_UNIT: _by_type,
    KeyListCode.VACCINE_JOINT: _by_type,  # the candidates; plans picks the share
    KeyListCode.COSMETICS_DEALER: _by_type,
    KeyListCode.SPECIAL_DRUG: _special_drug,
    KeyListCode.VOLUME_PROCUREMENT: _volume,
    KeyListCode.MEDICAL_BEAUTY: _beauty,
    KeyListCode.TCM_PIECES: _tcm,
    KeyListCode.NEW_LICENCE: _new_licence,
    KeyListCode.RURAL_FRINGE: _area,
}


def select(rule: KeyListRule, year: int, base: QuerySet[Entity] | None = None) -> QuerySet[Entity]:
    selector = BUILTIN_SELECTORS[rule.code]
    return selector(live_entities() if base is None else base, rule.parameters or {}, year)


# the rules fed by what sampling, complaints and cases report about an entity through the
# one function intake.services.report_entity_event
EVENT_RULES: Mapping[str, EntityEventKind] = {
    KeyListCode.FAILED_SAMPLE: EntityEventKind.FAILED_SAMPLE,
    KeyListCode.REPEATED_COMPLAINTS: EntityEventKind.COMPLAINT,
    KeyListCode.PENALTY: EntityEventKind.PENALTY,
}
# "较集中": this many complaints in the 12 months unless the rule's min_count says otherwise
REPEATED_COMPLAINTS_MIN = 2


def events_selector(kind: EntityEventKind, min_count: int = 1) -> KeyListSource:
    """The key-list source over reported entity events: the entities with at least
    ``min_count`` events of ``kind`` in the 12 months before the plan's year."""

    def source(year: int) -> Mapping[int, str]:
        start, end = event_window(year, timezone.localdate())
        return entities_with_events(kind, start=start, end=end, min_count=min_count)

    return source


def _event_source(code: str, parameters: Mapping[str, Any]) -> KeyListSource | None:
    kind = EVENT_RULES.get(code)
    if kind is None or not producer_installed(kind):
        return None  # "未接入" until the module that reports these events exists
    default = REPEATED_COMPLAINTS_MIN if code == KeyListCode.REPEATED_COMPLAINTS else 1
    return events_selector(kind, int(parameters.get("min_count", default)))


def external_source(code: str, parameters: Mapping[str, Any] | None = None) -> KeyListSource | None:
    """Where a rule outside the registry gets its entities: a source a module registered,
    or the entity events its producer reports; None while neither exists."""
    return KEY_LIST_SOURCES.get(code) or _event_source(code, parameters or {})


@dataclass(frozen=True)
class SourceStatus:
    """How a rule gets its entities, for the pages: built in, connected, or not yet."""

    connected: bool
    text: str


def source_status(code: str) -> SourceStatus:
    if code in BUILTIN_SELECTORS:
        return SourceStatus(True, _("已接入：按监管对象登记信息自动筛选"))
    if external_source(code) is not None:
        return SourceStatus(True, _("已接入：由其他模块提供数据"))
    module = EXTERNAL_SOURCE_MODULES.get(KeyListCode(code)) if code in EXTERNAL_CODES else None
    if module:
        return SourceStatus(
            False, _("未接入：%(m)s尚未上线，此规则暂不筛选任何对象") % {"m": module}
        )
    return SourceStatus(False, _("未接入：没有为此规则登记数据来源"))


def is_connected(code: str) -> bool:
    return code in BUILTIN_SELECTORS or external_source(code) is not None


def _entity_type_problems(code: str, parameters: Mapping[str, Any]) -> list[str]:
    known = "、".join(sorted(EntityType.values))
    required = _(
        "参数 entity_types 不能为空：此规则按对象类型筛选，请至少填写一个对象类型代码（%(c)s）"
    ) % {"c": known}
    if "entity_types" not in parameters:
        return [required] if code in TYPED_RULES else []
    types = parameters["entity_types"]
    if not isinstance(types, list) or any(t not in EntityType.values for t in types):
        return [_("entity_types 须为对象类型代码的列表：%(c)s") % {"c": known}]
    if types:
        return []
    if code in TYPED_RULES:
        return [required]
    return [_("参数 entity_types 不能为空列表；不限对象类型时请删除该参数")]


def validate_parameters(code: str, parameters: Any) -> list[str]:
    """Problems with a rule's parameters, as messages (empty when fine)."""
    if not isinstance(parameters, dict):
        return [_("参数须为 JSON 对象")]
    problems = _entity_type_problems(code, parameters)
    if "share" in parameters:
        share = parameters["share"]
        if not isinstance(share, int | float) or isinstance(share, bool) or not 0 < share <= 1:
            problems.append(_("share 须为大于 0、不超过 1 的比例，如 0.05"))
    if "area_types" in parameters:
        areas = parameters["area_types"]
        if not isinstance(areas, list) or any(
            a not in ("urban", "urban_fringe", "rural") for a in areas
        ):
            problems.append(_("area_types 须为 urban、urban_fringe、rural 的列表"))
    if "min_count" in parameters:
        count = parameters["min_count"]
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1000:
            problems.append(_("min_count 须为 1 到 1000 之间的整数，如 3"))
    if "scope_keyword" in parameters and not str(parameters["scope_keyword"]).strip():
        problems.append(_("scope_keyword 不能为空"))
    return problems
