"""Selection and assignment: deterministic functions of the frozen inputs and the seed.

All randomness is SM3(seed ‖ message) for fixed, published messages (docs/draws.md):

* entities are ranked by SM3(seed ‖ "entity:" ‖ key), ascending (ties by key); the first
  ``sample_size`` are drawn, and are assigned in that order;
* for slot ``s`` of an entity, the candidates are the eligible inspectors not yet on it; the
  tier is those of them with the lowest current load, in code order; the pick is
  ``tier[int(SM3(seed ‖ "assign:" ‖ key ‖ ":" ‖ s)) mod len(tier)]`` — uniform within the
  tier, so loads stay even. Slots are ``0 … n-1`` from the main pool, then ``partner``
  from the partner department in a joint draw.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yaoan.analytics.draws.canonical import KeyedHasher
from yaoan.analytics.draws.inputs import (
    RULE_CONFLICT,
    RULE_GRID,
    RULE_LAST_INSPECTION,
    RULE_PARTNER,
    DrawInputError,
    DrawInputs,
    InfeasibleError,
    PoolEntity,
)

SEED_BYTES = 32
PARTNER_SLOT = "partner"


@dataclass(frozen=True)
class Assignment:
    key: str
    inspectors: tuple[str, ...]  # the main slots in order, then the partner's

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "inspectors": list(self.inspectors)}


@dataclass(frozen=True)
class DrawResult:
    assignments: tuple[Assignment, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"entities": [a.as_dict() for a in self.assignments]}

    @classmethod
    def from_dict(cls, data: Any) -> DrawResult:
        if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
            raise DrawInputError("malformed", path="result.entities", problem="missing")
        out = []
        for n, row in enumerate(data["entities"]):
            codes = row.get("inspectors") if isinstance(row, dict) else None
            key = row.get("key") if isinstance(row, dict) else None
            if not isinstance(key, str) or not (
                isinstance(codes, list) and all(isinstance(c, str) for c in codes)
            ):
                raise DrawInputError("malformed", path=f"result.entities[{n}]", problem="shape")
            out.append(Assignment(key, tuple(codes)))
        return cls(tuple(out))


class _Exclusions:
    """Which inspector indices each rule excludes for an entity (indices follow code order)."""

    def __init__(self, inputs: DrawInputs):
        index = {i.code: n for n, i in enumerate(inputs.inspectors)}
        self.by_grid: dict[str, set[int]] = {}
        if RULE_GRID in inputs.rules:
            for n, inspector in enumerate(inputs.inspectors):
                for grid in inspector.avoid_grids:
                    self.by_grid.setdefault(grid, set()).add(n)
        self.by_pair: dict[str, dict[str, set[int]]] = {}
        for rule, pairs in (
            (RULE_CONFLICT, inputs.conflicts),
            (RULE_LAST_INSPECTION, inputs.last_inspectors),
        ):
            if rule in inputs.rules:
                for code, key in pairs:
                    self.by_pair.setdefault(key, {}).setdefault(rule, set()).add(index[code])

    def grid(self, entity: PoolEntity) -> set[int]:
        return self.by_grid.get(entity.grid, set())

    def pairs(self, entity: PoolEntity) -> set[int]:
        rules = self.by_pair.get(entity.key)
        if not rules:
            return set()
        return set().union(*rules.values())

    def by_rule(self, entity: PoolEntity) -> dict[str, set[int]]:
        return {RULE_GRID: self.grid(entity), **self.by_pair.get(entity.key, {})}


def _pools(inputs: DrawInputs) -> tuple[list[int], list[int]]:
    """Indices of the main pool and of the partner department's inspectors (joint draws)."""
    main: list[int] = []
    partner: list[int] = []
    for n, inspector in enumerate(inputs.inspectors):
        (partner if inputs.is_joint and inspector.unit == inputs.partner_unit else main).append(n)
    return main, partner


def check_feasible(inputs: DrawInputs) -> None:
    """Every entity of the pool, whichever are drawn, must keep enough eligible inspectors.
    Checked before the seed is committed, so an executed draw can never fail on it."""
    main, partner = _pools(inputs)
    exclusions = _Exclusions(inputs)
    codes = [i.code for i in inputs.inspectors]
    needs = [(main, inputs.inspectors_per_entity, False)]
    if inputs.is_joint:
        needs.append((partner, 1, True))
    for members, needed, is_partner in needs:
        member_set = set(members)
        per_grid: dict[str, int] = {}
        for entity in inputs.entities:
            if entity.key in exclusions.by_pair:
                excluded = (exclusions.grid(entity) | exclusions.pairs(entity)) & member_set
                available = len(member_set) - len(excluded)
            else:
                if entity.grid not in per_grid:
                    per_grid[entity.grid] = len(member_set - exclusions.grid(entity))
                available = per_grid[entity.grid]
            if available < needed:
                by_rule = {
                    rule: tuple(sorted(codes[n] for n in indices & member_set))
                    for rule, indices in exclusions.by_rule(entity).items()
                    if indices & member_set
                }
                raise InfeasibleError(
                    entity=entity,
                    partner=is_partner,
                    needed=needed,
                    available=available,
                    excluded=by_rule,
                )


def ranked_entities(inputs: DrawInputs, seed: bytes) -> list[PoolEntity]:
    hasher = KeyedHasher(seed)
    # the digest has a fixed length, so digest ‖ key orders by digest, then by key
    scores = [hasher.digest(b"entity:" + e.key.encode()) + e.key.encode() for e in inputs.entities]
    order = sorted(range(len(scores)), key=scores.__getitem__)
    return [inputs.entities[n] for n in order]


class _LoadTiers:
    """Inspectors of one pool bucketed by current load, each bucket in code order."""

    def __init__(self, members: list[int]):
        self.load = dict.fromkeys(members, 0)
        self.buckets: list[list[int]] = [sorted(members)]
        self.floor = 0  # the lowest bucket that may be non-empty

    def pick(self, excluded: set[int], chosen: list[int], draw_value: bytes) -> int:
        while self.floor < len(self.buckets) and not self.buckets[self.floor]:
            self.floor += 1
        for level in range(self.floor, len(self.buckets)):
            tier = [n for n in self.buckets[level] if n not in excluded and n not in chosen]
            if tier:
                picked = tier[int.from_bytes(draw_value, "big") % len(tier)]
                self._bump(picked)
                return picked
        raise DrawInputError("no_candidate")  # ruled out by check_feasible

    def _bump(self, n: int) -> None:
        level = self.load[n]
        bucket = self.buckets[level]
        del bucket[bisect.bisect_left(bucket, n)]
        if len(self.buckets) == level + 1:
            self.buckets.append([])
        bisect.insort(self.buckets[level + 1], n)
        self.load[n] = level + 1


def run(inputs: DrawInputs, seed: bytes, *, feasibility_checked: bool = False) -> DrawResult:
    """The draw itself. Raises DrawInputError if the inputs cannot be drawn from (the
    feasibility check is skipped only when the caller has just run it)."""
    if len(seed) != SEED_BYTES:
        raise DrawInputError("invalid_seed", length=len(seed))
    if not feasibility_checked:
        check_feasible(inputs)
    main, partner = _pools(inputs)
    exclusions = _Exclusions(inputs)
    hasher = KeyedHasher(seed)
    main_tiers, partner_tiers = _LoadTiers(main), _LoadTiers(partner)
    codes = [i.code for i in inputs.inspectors]
    assignments = []
    for entity in ranked_entities(inputs, seed)[: inputs.sample_size]:
        grid = exclusions.grid(entity)
        pairs = exclusions.pairs(entity)
        excluded = grid | pairs if pairs else grid
        prefix = f"assign:{entity.key}:".encode()
        chosen: list[int] = []
        for slot in range(inputs.inspectors_per_entity):
            value = hasher.digest(prefix + str(slot).encode())
            chosen.append(main_tiers.pick(excluded, chosen, value))
        if inputs.is_joint:
            value = hasher.digest(prefix + PARTNER_SLOT.encode())
            chosen.append(partner_tiers.pick(excluded, chosen, value))
        assignments.append(Assignment(entity.key, tuple(codes[n] for n in chosen)))
    return DrawResult(tuple(assignments))


def loads(result: DrawResult) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for assignment in result.assignments:
        for code in assignment.inspectors:
            counts[code] = counts.get(code, 0) + 1
    return counts


__all__ = [
    "PARTNER_SLOT",
    "RULE_PARTNER",
    "SEED_BYTES",
    "Assignment",
    "DrawResult",
    "check_feasible",
    "loads",
    "ranked_entities",
    "run",
]
