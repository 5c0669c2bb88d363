# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""The seven anomaly rules, each written once as SQL and rendered for DuckDB or Spark SQL.

Every rule reads the relations ``events``, ``sensors``, ``entities``, ``licences`` and
``products`` (store.SCHEMAS) and returns rows ``rule, code, entity, time, detail``. The
two dialects differ only in the few functions of ``Dialect``; everything else is the
common subset of DuckDB and Spark SQL, so both engines give exactly the same rows.

Each rule has a *scope*: ``code`` rules give rows that depend only on the events of one
unit, ``entity`` rules only on the events of one entity. That is what makes the run after
an ingest incremental: the rules see only the touched units (or entities), and their rows
replace the stored rows of those units (or entities).

The parts: ``dialect`` (the two dialects and quoting), ``sales``, ``holders`` and
``cold_chain`` (the rules' SQL); here the registry ``RULES`` and rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from yaoan.analytics.trace.rules.cold_chain import cold_chain_excursion
from yaoan.analytics.trace.rules.dialect import (
    DUCKDB,
    SPARK,
    Dialect,
    in_list,
    lit,
    values_table,
)
from yaoan.analytics.trace.rules.holders import CATEGORY_LABELS, illegal_channel, unlicensed_holder
from yaoan.analytics.trace.rules.sales import (
    SHARED,
    duplicate_sale,
    sale_groups,
    sale_without_receipt,
    shared_cte,
    sold_after_expiry,
    sold_at_multiple_entities,
)

__all__ = [
    "CATEGORY_LABELS",
    "DUCKDB",
    "OUTPUT_COLUMNS",
    "RULES",
    "SHARED",
    "SPARK",
    "Dialect",
    "Rule",
    "UnknownRuleError",
    "cold_chain_excursion",
    "duplicate_sale",
    "illegal_channel",
    "in_list",
    "lit",
    "render",
    "sale_groups",
    "sale_without_receipt",
    "select",
    "shared_cte",
    "shared_relations",
    "sold_after_expiry",
    "sold_at_multiple_entities",
    "unlicensed_holder",
    "values_table",
]


@dataclass(frozen=True)
class Rule:
    name: str
    build: Callable[[dict[str, Any], Dialect], str]
    scope: str  # "code" or "entity": what an incremental run restricts the events to
    needs_registry: bool
    title: str
    shares: tuple[str, ...] = ()  # relations of SHARED its SQL reads (as a CTE)


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule(
            "duplicate_sale",
            duplicate_sale,
            "code",
            False,
            "同一追溯码重复销售（回流药）",
            shares=("sale_groups",),
        ),
        Rule(
            "sold_at_multiple_entities",
            sold_at_multiple_entities,
            "code",
            False,
            "同一追溯码在多家单位销售",
            shares=("sale_groups",),
        ),
        Rule("sale_without_receipt", sale_without_receipt, "code", False, "无入库记录即销售"),
        Rule("sold_after_expiry", sold_after_expiry, "code", False, "销售过期药品"),
        Rule("unlicensed_holder", unlicensed_holder, "entity", True, "无证或超范围经营/使用"),
        Rule("illegal_channel", illegal_channel, "entity", True, "从非法渠道购进"),
        Rule("cold_chain_excursion", cold_chain_excursion, "code", True, "冷链脱链"),
    )
}
OUTPUT_COLUMNS = ("rule", "code", "entity", "time", "detail")


class UnknownRuleError(ValueError):
    pass


def select(names: Iterable[str] | None) -> list[Rule]:
    if names is None:
        return list(RULES.values())
    chosen = []
    for name in names:
        if name not in RULES:
            raise UnknownRuleError(f"未知的规则“{name}”，可选：{'、'.join(RULES)}")
        chosen.append(RULES[name])
    return chosen


def render(
    rule: Rule, config: dict[str, Any], dialect: Dialect, shared: Mapping[str, str] | None = None
) -> str:
    """The rule's SQL; ``shared`` names tables already holding some of its SHARED
    relations (computed with this rule's parameters), read instead of computing them."""
    params = config[rule.name]
    sql = rule.build(params, dialect)
    for name in rule.shares:
        if shared and name in shared:
            cte = shared_cte(name, params)
            assert cte in sql, f"{rule.name} does not read {name} through shared_cte"
            sql = sql.replace(cte, f"{name} AS (SELECT * FROM {shared[name]})", 1)
    return sql


def shared_relations(rules: Iterable[Rule], config: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(relation, its SQL) → how many of ``rules`` read it with those parameters: worth
    materialising once when more than one does."""
    uses: dict[tuple[str, str], int] = {}
    for rule in rules:
        for name in rule.shares:
            key = (name, SHARED[name](config[rule.name]))
            uses[key] = uses.get(key, 0) + 1
    return uses
