"""The frozen inputs of a draw: the entity pool, the inspector pool, the avoidance rules and
what they need, and how many to draw. ``DrawInputs.as_dict()`` is the published form;
``DrawInputs.from_dict()`` reads it back, refusing anything malformed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FORMAT = "yaoan-draw/1"

RULE_GRID = "grid"  # the inspector lives in / is posted to the entity's subdistrict (镇街)
RULE_CONFLICT = "conflict"  # a recorded conflict of interest between inspector and entity
RULE_LAST_INSPECTION = "last_inspection"  # the inspector did the entity's last inspection
AVOIDANCE_RULES = (RULE_GRID, RULE_CONFLICT, RULE_LAST_INSPECTION)
RULE_PARTNER = "partner"  # not an avoidance rule: the partner slot of a joint draw

MODE_RATIO = "ratio"  # value in basis points: 500 = 5 %
MODE_COUNT = "count"
BASIS_POINTS = 10_000
MIN_INSPECTORS_PER_ENTITY = 2
MAX_INSPECTORS_PER_ENTITY = 10


class DrawInputError(ValueError):
    """Input that cannot be drawn from. ``code`` says what; ``params`` give the details the
    caller turns into a message in the user's language."""

    def __init__(self, code: str, **params: Any):
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


class InfeasibleError(DrawInputError):
    """An entity of the pool for which avoidance leaves too few inspectors.

    ``excluded`` maps each rule to the codes of the inspectors it excluded for this entity.
    """

    def __init__(
        self,
        *,
        entity: PoolEntity,
        partner: bool,
        needed: int,
        available: int,
        excluded: Mapping[str, tuple[str, ...]],
    ):
        super().__init__(
            "infeasible",
            entity_key=entity.key,
            entity_name=entity.name,
            partner=partner,
            needed=needed,
            available=available,
        )
        self.entity = entity
        self.partner = partner
        self.needed = needed
        self.available = available
        self.excluded = dict(excluded)


@dataclass(frozen=True)
class PoolEntity:
    key: str  # the unified social credit code
    id: int  # the registry's number, to map the result back
    name: str
    grid: str  # the subdistrict (镇街) code

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "id": self.id, "name": self.name, "grid": self.grid}


@dataclass(frozen=True)
class PoolInspector:
    code: str  # a per-draw pseudonym (pseudonyms.py); never a name or badge number
    unit: str  # the org unit code
    avoid_grids: tuple[str, ...] = ()  # home and posted subdistricts, not told apart

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "unit": self.unit, "avoid_grids": sorted(self.avoid_grids)}


@dataclass(frozen=True)
class DrawInputs:
    draw_id: int
    title: str
    mode: str
    value: int
    inspectors_per_entity: int
    partner_unit: str | None
    rules: frozenset[str]
    entities: tuple[PoolEntity, ...]
    inspectors: tuple[PoolInspector, ...]
    conflicts: tuple[tuple[str, str], ...] = ()  # (inspector code, entity key)
    last_inspectors: tuple[tuple[str, str], ...] = ()

    @property
    def is_joint(self) -> bool:
        return self.partner_unit is not None

    @property
    def sample_size(self) -> int:
        """How many entities are drawn: a ratio rounds up (at least one), a count is exact."""
        if self.mode == MODE_COUNT:
            return self.value
        return max(1, -(-len(self.entities) * self.value // BASIS_POINTS))

    def as_dict(self) -> dict[str, Any]:
        return {
            "draw": {"id": self.draw_id, "title": self.title},
            "selection": {"mode": self.mode, "value": self.value},
            "inspectors_per_entity": self.inspectors_per_entity,
            "partner_unit": self.partner_unit,
            "rules": {rule: rule in self.rules for rule in AVOIDANCE_RULES},
            "entities": [e.as_dict() for e in self.entities],
            "inspectors": [i.as_dict() for i in self.inspectors],
            "conflicts": [list(pair) for pair in self.conflicts],
            "last_inspectors": [list(pair) for pair in self.last_inspectors],
        }

    @classmethod
    def from_dict(cls, data: Any) -> DrawInputs:
        return _parse(data)


def make_inputs(
    *,
    draw_id: int,
    title: str,
    mode: str,
    value: int,
    inspectors_per_entity: int,
    partner_unit: str | None,
    rules: Iterable[str],
    entities: Iterable[PoolEntity],
    inspectors: Iterable[PoolInspector],
    conflicts: Iterable[tuple[str, str]] = (),
    last_inspectors: Iterable[tuple[str, str]] = (),
) -> DrawInputs:
    """Inputs in canonical order, validated. Pairs naming an inspector or entity outside the
    pools are dropped (they cannot matter), and so are an inspector's avoided subdistricts
    where no entity of the pool lies; data of a rule that is off is dropped too, so the
    published document holds only what the enabled rules need (a home outside the pool's
    subdistricts is never published)."""
    # plain str and int (an enum member that subclasses str is not canonical JSON)
    rule_set = frozenset(str(r) for r in rules)
    mode, value, title = str(mode), int(value), str(title)
    partner_unit = str(partner_unit) if partner_unit is not None else None
    entity_list = sorted(entities, key=lambda e: e.key)
    inspector_list = sorted(inspectors, key=lambda i: i.code)
    pool_grids = {e.grid for e in entity_list} if RULE_GRID in rule_set else set()
    inspector_list = [
        PoolInspector(i.code, i.unit, tuple(sorted(set(i.avoid_grids) & pool_grids)))
        for i in inspector_list
    ]
    keys = {e.key for e in entity_list}
    codes = {i.code for i in inspector_list}

    def pairs(raw: Iterable[tuple[str, str]], rule: str) -> tuple[tuple[str, str], ...]:
        if rule not in rule_set:
            return ()
        return tuple(sorted({(c, k) for c, k in raw if c in codes and k in keys}))

    inputs = DrawInputs(
        draw_id=draw_id,
        title=title,
        mode=mode,
        value=value,
        inspectors_per_entity=inspectors_per_entity,
        partner_unit=partner_unit,
        rules=rule_set,
        entities=tuple(entity_list),
        inspectors=tuple(inspector_list),
        conflicts=pairs(conflicts, RULE_CONFLICT),
        last_inspectors=pairs(last_inspectors, RULE_LAST_INSPECTION),
    )
    validate(inputs)
    return inputs


def validate(inputs: DrawInputs) -> None:
    """Everything about the inputs that can be wrong before any seed is drawn."""
    if not inputs.entities:
        raise DrawInputError("empty_pool")
    _unique([e.key for e in inputs.entities], "duplicate_entity")
    _unique([i.code for i in inputs.inspectors], "duplicate_inspector")
    if not set(inputs.rules) <= set(AVOIDANCE_RULES):
        raise DrawInputError("unknown_rule", rules=sorted(set(inputs.rules) - set(AVOIDANCE_RULES)))
    if inputs.mode == MODE_RATIO:
        if not 1 <= inputs.value <= BASIS_POINTS:
            raise DrawInputError("invalid_ratio", value=inputs.value)
    elif inputs.mode == MODE_COUNT:
        if inputs.value < 1:
            raise DrawInputError("invalid_count", value=inputs.value)
        if inputs.value > len(inputs.entities):
            raise DrawInputError(
                "count_exceeds_pool", value=inputs.value, pool=len(inputs.entities)
            )
    else:
        raise DrawInputError("invalid_mode", mode=inputs.mode)
    if not (MIN_INSPECTORS_PER_ENTITY <= inputs.inspectors_per_entity <= MAX_INSPECTORS_PER_ENTITY):
        raise DrawInputError(
            "invalid_inspectors_per_entity",
            value=inputs.inspectors_per_entity,
            minimum=MIN_INSPECTORS_PER_ENTITY,
            maximum=MAX_INSPECTORS_PER_ENTITY,
        )
    if not inputs.inspectors:
        raise DrawInputError("no_inspectors")
    keys = {e.key for e in inputs.entities}
    codes = {i.code for i in inputs.inspectors}
    for name, pairs in (
        ("conflicts", inputs.conflicts),
        ("last_inspectors", inputs.last_inspectors),
    ):
        for code, key in pairs:
            if code not in codes or key not in keys:
                raise DrawInputError("unknown_reference", section=name, pair=[code, key])


def _unique(values: list[str], code: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise DrawInputError(code, value=value)
        seen.add(value)


# --- reading the published form back ---------------------------------------------------------


def _get(data: Any, key: str, kind: type | tuple[type, ...], path: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise DrawInputError("malformed", path=f"{path}.{key}", problem="missing")
    value = data[key]
    if isinstance(value, bool) and kind is int:
        raise DrawInputError("malformed", path=f"{path}.{key}", problem="not int")
    if not isinstance(value, kind):
        raise DrawInputError("malformed", path=f"{path}.{key}", problem="wrong type")
    return value


def _pairs(data: Any, key: str) -> tuple[tuple[str, str], ...]:
    raw = _get(data, key, list, "inputs")
    out = []
    for n, pair in enumerate(raw):
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise DrawInputError("malformed", path=f"inputs.{key}[{n}]", problem="not a pair")
        out.append((pair[0], pair[1]))
    return tuple(out)


def _parse(data: Any) -> DrawInputs:
    draw = _get(data, "draw", dict, "inputs")
    selection = _get(data, "selection", dict, "inputs")
    rules = _get(data, "rules", dict, "inputs")
    partner = data.get("partner_unit") if isinstance(data, dict) else None
    if partner is not None and not isinstance(partner, str):
        raise DrawInputError("malformed", path="inputs.partner_unit", problem="wrong type")
    entities = []
    for n, raw in enumerate(_get(data, "entities", list, "inputs")):
        path = f"inputs.entities[{n}]"
        entities.append(
            PoolEntity(
                key=_get(raw, "key", str, path),
                id=_get(raw, "id", int, path),
                name=_get(raw, "name", str, path),
                grid=_get(raw, "grid", str, path),
            )
        )
    inspectors = []
    for n, raw in enumerate(_get(data, "inspectors", list, "inputs")):
        path = f"inputs.inspectors[{n}]"
        grids = _get(raw, "avoid_grids", list, path)
        if not all(isinstance(g, str) for g in grids):
            raise DrawInputError("malformed", path=f"{path}.avoid_grids", problem="wrong type")
        inspectors.append(
            PoolInspector(
                code=_get(raw, "code", str, path),
                unit=_get(raw, "unit", str, path),
                avoid_grids=tuple(grids),
            )
        )
    enabled = set()
    for rule in AVOIDANCE_RULES:
        if _get(rules, rule, bool, "inputs.rules"):
            enabled.add(rule)
    inputs = DrawInputs(
        draw_id=_get(draw, "id", int, "inputs.draw"),
        title=_get(draw, "title", str, "inputs.draw"),
        mode=_get(selection, "mode", str, "inputs.selection"),
        value=_get(selection, "value", int, "inputs.selection"),
        inspectors_per_entity=_get(data, "inspectors_per_entity", int, "inputs"),
        partner_unit=partner,
        rules=frozenset(enabled),
        entities=tuple(entities),
        inspectors=tuple(inspectors),
        conflicts=_pairs(data, "conflicts"),
        last_inspectors=_pairs(data, "last_inspectors"),
    )
    validate(inputs)
    return inputs
