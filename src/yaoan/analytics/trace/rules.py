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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CATEGORY_LABELS = {
    "drug": "药品",
    "vaccine": "疫苗",
    "special": "特殊药品",
    "prescription": "处方药",
    "device": "医疗器械",
}


@dataclass(frozen=True)
class Dialect:
    name: str

    def hours(self, n: float) -> str:
        return f"INTERVAL '{int(n)}' HOUR"

    def minutes(self, n: float) -> str:
        return f"INTERVAL '{int(n)}' MINUTE"

    def add_days(self, expr: str, n: int) -> str:
        if self.name == "spark":
            return f"date_add({expr}, {int(n)})"
        return f"({expr} + {int(n)})"

    def num(self, expr: str) -> str:
        """A number as text, the same on both engines (one decimal, none for whole numbers)."""
        return (
            f"CASE WHEN {expr} = CAST({expr} AS BIGINT) THEN CAST(CAST({expr} AS BIGINT) AS STRING)"
            f" ELSE CAST(CAST(ROUND({expr}, 1) AS DECIMAL(18,1)) AS STRING) END"
        )


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: Iterable[str]) -> str:
    items = [lit(v) for v in values]
    return "(" + ", ".join(items or ["''"]) + ")"


def values_table(rows: Sequence[tuple[str, ...]], columns: Sequence[str], alias: str) -> str:
    """A small inline table; always one dummy row that is filtered out, so an empty list
    still has its columns."""
    dummy = "(" + ", ".join(["''"] * len(columns)) + ")"
    body = ", ".join([dummy, *("(" + ", ".join(lit(v) for v in row) + ")" for row in rows)])
    cols = ", ".join(columns)
    return f"(SELECT * FROM (VALUES {body}) AS {alias}_v({cols}) WHERE {columns[0]} <> '')"


# --- the rules -----------------------------------------------------------------------------


def sale_groups(p: dict[str, Any]) -> str:
    """The units sold (dispensed, administered) more than once: how often, how many units
    in all, the lowest and highest seller. Shared by duplicate_sale and
    sold_at_multiple_entities, so a run that has both aggregates the sales once
    (``shared_relations``)."""
    sales = in_list(p["sale_events"])
    return (
        "SELECT unit, COUNT(*) AS n, SUM(quantity) AS sold, MIN(entity) AS lo, "
        f"MAX(entity) AS hi FROM events WHERE event IN {sales} GROUP BY unit HAVING COUNT(*) > 1"
    )


SHARED: dict[str, Callable[[dict[str, Any]], str]] = {"sale_groups": sale_groups}


def shared_cte(name: str, p: dict[str, Any]) -> str:
    return f"{name} AS ({SHARED[name](p)})"


def duplicate_sale(p: dict[str, Any], d: Dialect) -> str:
    sales = in_list(p["sale_events"])
    split = "TRUE" if p["allow_split_pack"] else "FALSE"
    return f"""
WITH {shared_cte("sale_groups", p)}, cand AS (
  SELECT unit, n, sold, CASE WHEN lo = hi THEN 1 ELSE 2 END AS sellers FROM sale_groups
), pack AS (
  SELECT e.unit, MAX(e.quantity) AS units FROM events e JOIN cand c ON e.unit = c.unit
  WHERE e.event IN ('receive', 'ship') GROUP BY e.unit
), flagged AS (
  SELECT c.unit, c.n, c.sold, COALESCE(p.units, 1) AS units
  FROM cand c LEFT JOIN pack p ON c.unit = p.unit
  WHERE NOT {split} OR c.sellers > 1 OR c.sold > COALESCE(p.units, 1)
), ranked AS (
  SELECT s.code, s.entity, s.time, f.n, f.sold, f.units,
         ROW_NUMBER() OVER (PARTITION BY s.unit ORDER BY s.time, s.entity) AS k
  FROM events s JOIN flagged f ON s.unit = f.unit WHERE s.event IN {sales}
)
SELECT 'duplicate_sale' AS rule, code, entity, time,
       '同一最小包装售出/使用' || CAST(n AS STRING) || '次，共' || {d.num("sold")}
       || '单位（包装量' || {d.num("units")} || '）' AS detail
FROM ranked WHERE k = 2
"""


def sold_at_multiple_entities(p: dict[str, Any], d: Dialect) -> str:
    sales = in_list(p["sale_events"])
    return f"""
WITH {shared_cte("sale_groups", p)}, cand AS (
  SELECT unit FROM sale_groups WHERE lo <> hi
), firsts AS (
  SELECT s.unit, s.code, s.entity, MIN(s.time) AS time
  FROM events s JOIN cand c ON s.unit = c.unit WHERE s.event IN {sales}
  GROUP BY s.unit, s.code, s.entity
), ranked AS (
  SELECT unit, code, entity, time, COUNT(*) OVER (PARTITION BY unit) AS n,
         ROW_NUMBER() OVER (PARTITION BY unit ORDER BY time, entity) AS k
  FROM firsts
), first_seller AS (
  SELECT unit, entity FROM ranked WHERE k = 1
)
SELECT 'sold_at_multiple_entities' AS rule, r.code, r.entity, r.time,
       '同一最小包装由' || CAST(r.n AS STRING) || '家单位售出（首次售出：' || f.entity || '）'
       AS detail
FROM ranked r JOIN first_seller f ON r.unit = f.unit WHERE r.k = 2
"""


def sale_without_receipt(p: dict[str, Any], d: Dialect) -> str:
    sales = in_list(p["sale_events"])
    grace = d.minutes(p["grace_minutes"])
    # An anti-join of the sales on the receipts of the same (unit, entity) leaves the few
    # sales with no receipt in time; only those few are then checked for being the first
    # sale of their (unit, entity). Grouping every (unit, entity) of sales and receipts
    # instead was the slowest step of the code rules.
    return f"""
WITH unreceived AS (
  SELECT s.unit, s.code, s.entity, s.time FROM events s
  LEFT JOIN events r ON r.event = 'receive' AND r.unit = s.unit AND r.entity = s.entity
   AND r.time <= s.time + {grace}
  WHERE s.event IN {sales} AND r.unit IS NULL
), firsts AS (
  SELECT s.unit, s.entity, MIN(s.time) AS first_sale FROM events s
  WHERE s.event IN {sales} AND s.unit IN (SELECT unit FROM unreceived)
  GROUP BY s.unit, s.entity
), received AS (
  SELECT DISTINCT r.unit, r.entity FROM events r
  WHERE r.event = 'receive' AND r.unit IN (SELECT unit FROM unreceived)
)
SELECT DISTINCT 'sale_without_receipt' AS rule, u.code, u.entity, u.time,
       CASE WHEN r.unit IS NULL THEN '该单位无此最小包装的入库记录'
            ELSE '销售早于该单位的入库记录' END AS detail
FROM unreceived u
JOIN firsts f ON f.unit = u.unit AND f.entity = u.entity AND f.first_sale = u.time
LEFT JOIN received r ON r.unit = u.unit AND r.entity = u.entity
"""


def sold_after_expiry(p: dict[str, Any], d: Dialect) -> str:
    sales = in_list(p["sale_events"])
    return f"""
WITH known AS (
  SELECT e.unit, MIN(e.expiry) AS expiry FROM events e
  WHERE e.expiry IS NOT NULL
    AND e.unit IN (SELECT unit FROM events WHERE event IN {sales} AND expiry IS NULL)
  GROUP BY e.unit
), resolved AS (
  SELECT s.code, s.entity, s.time, s.day, COALESCE(s.expiry, k.expiry) AS expiry
  FROM events s LEFT JOIN known k ON s.unit = k.unit WHERE s.event IN {sales}
)
SELECT 'sold_after_expiry' AS rule, code, entity, time,
       '有效期至' || CAST(expiry AS STRING) || '，销售/使用于' || CAST(day AS STRING) AS detail
FROM resolved
WHERE expiry IS NOT NULL AND day > {d.add_days("expiry", p["grace_days"])}
"""


def _categories(p: dict[str, Any]) -> tuple[str, str, str]:
    """Inline tables of the licence policy: (category, kind), (category, type), and the
    SQL expression of the entity flag that also satisfies a category."""
    cats = p["categories"]
    kinds = [(c, k) for c, spec in cats.items() for k in spec["kinds"]]
    types = [(c, t) for c, spec in cats.items() for t in spec["types"]]
    flags = [(c, spec["flag"]) for c, spec in cats.items() if spec.get("flag")]
    allowed_flags = {"handles_special_drugs", "handles_cold_chain"}
    for _c, flag in flags:
        if flag not in allowed_flags:
            raise ValueError(f"unknown entity flag {flag!r} in unlicensed_holder config")
    flag_sql = (
        "CASE "
        + " ".join(f"WHEN pc.category = {lit(c)} THEN COALESCE(en.{f}, FALSE)" for c, f in flags)
        + " ELSE FALSE END"
        if flags
        else "FALSE"
    )
    return (
        values_table(kinds, ["category", "kind"], "pk"),
        values_table(types, ["category", "entity_type"], "pt"),
        flag_sql,
    )


def unlicensed_holder(p: dict[str, Any], d: Dialect) -> str:
    holding = in_list(p["holding_events"])
    kinds, types, flag_sql = _categories(p)
    labels = "CASE pc.category " + " ".join(
        f"WHEN {lit(c)} THEN {lit(label)}" for c, label in CATEGORY_LABELS.items()
    )
    labels += " ELSE pc.category END"
    # the events scan is written out where it is read: DuckDB would materialise a CTE
    # read twice (10^8 rows); the aggregate needs every row, the second pass (``hits``)
    # only those of the offending (entity, product) pairs
    held = (
        "(SELECT code, entity, time, day, COALESCE(product, '') AS product "
        f"FROM events WHERE event IN {holding} AND entity IS NOT NULL)"
    )
    return f"""
WITH pairs AS (
  SELECT entity, product, MIN(day) AS first_day, MAX(day) AS last_day
  FROM {held} h GROUP BY entity, product
), cats AS (
  SELECT product_key, 'drug' AS category FROM products WHERE product_class = 'drug'
  UNION ALL SELECT product_key, 'vaccine' FROM products WHERE is_vaccine
  UNION ALL SELECT product_key, 'special' FROM products WHERE special_drug_kind <> ''
  UNION ALL SELECT product_key, 'prescription' FROM products WHERE is_prescription
  UNION ALL SELECT product_key, 'device' FROM products WHERE product_class = 'device'
), known AS (
  SELECT DISTINCT product_key FROM products
), pcat AS (
  SELECT p.entity, p.product, p.first_day, p.last_day, c.category
  FROM pairs p JOIN cats c ON p.product = c.product_key
  UNION ALL
  SELECT p.entity, p.product, p.first_day, p.last_day, 'drug' AS category
  FROM pairs p LEFT JOIN known k ON p.product = k.product_key WHERE k.product_key IS NULL
), policy_kinds AS {kinds},
policy_types AS {types},
lic AS (
  SELECT l.uscc, k.category, l.valid_from, l.valid_until
  FROM licences l JOIN policy_kinds k ON l.kind = k.kind WHERE l.status = 'valid'
), cover AS (
  SELECT pc.entity, pc.product, pc.category,
         MAX(CASE WHEN l.valid_from <= pc.first_day
                   AND (l.valid_until IS NULL OR l.valid_until >= pc.last_day)
                  THEN 1 ELSE 0 END) AS full_cover,
         COUNT(l.uscc) AS n_lic
  FROM pcat pc LEFT JOIN lic l ON l.uscc = pc.entity AND l.category = pc.category
  GROUP BY pc.entity, pc.product, pc.category
), needs_kind AS (
  SELECT DISTINCT category FROM policy_kinds
), type_ok AS (
  SELECT DISTINCT category, entity_type FROM policy_types
), needs_type AS (
  SELECT DISTINCT category FROM policy_types
), verdicts AS (
  SELECT pc.entity, pc.product, pc.category, {labels} AS label,
    CASE
      WHEN en.uscc IS NULL THEN '未在监管对象库登记'
      WHEN en.status NOT IN {in_list(p["operating_statuses"])}
        THEN '经营状态为' || en.status
      WHEN nt.category IS NOT NULL AND tk.category IS NULL
        THEN '单位类型（' || en.entity_type || '）不得经营/使用'
      WHEN nk.category IS NULL OR en.entity_type IN {in_list(p["exempt_types"])}
        OR {flag_sql} OR cv.full_cover = 1 THEN NULL
      WHEN cv.n_lic = 0 THEN '无相应的有效许可/资质'
      ELSE 'partial'
    END AS reason
  FROM pcat pc
  JOIN cover cv ON cv.entity = pc.entity AND cv.product = pc.product
                AND cv.category = pc.category
  LEFT JOIN entities en ON en.uscc = pc.entity
  LEFT JOIN needs_kind nk ON nk.category = pc.category
  LEFT JOIN needs_type nt ON nt.category = pc.category
  LEFT JOIN type_ok tk ON tk.category = pc.category AND tk.entity_type = en.entity_type
), judged AS (
  -- a reason about the entity itself (not registered, not operating) is one row per
  -- product, not one per product category
  SELECT DISTINCT entity, product,
    CASE WHEN reason LIKE '未在%' OR reason LIKE '经营状态%' THEN '-' ELSE category END
      AS category,
    CASE WHEN reason LIKE '未在%' OR reason LIKE '经营状态%' THEN '产品' ELSE label END
      AS label,
    reason
  FROM verdicts
), hits AS (
  -- the one second pass over the events: few rows, read by both branches below
  SELECT h.code, h.entity, h.time, h.day, h.product, j.category, j.label, j.reason
  FROM {held} h JOIN judged j ON h.entity = j.entity AND h.product = j.product
  WHERE j.reason IS NOT NULL
), offending AS (
  SELECT code, entity, time, product, category, label, reason
  FROM hits WHERE reason <> 'partial'
  UNION ALL
  SELECT h.code, h.entity, h.time, h.product, h.category, h.label,
         '许可/资质在该日期无效' AS reason
  FROM hits h
  LEFT JOIN lic l ON l.uscc = h.entity AND l.category = h.category
       AND l.valid_from <= h.day AND (l.valid_until IS NULL OR l.valid_until >= h.day)
  WHERE h.reason = 'partial'
  GROUP BY h.code, h.entity, h.time, h.product, h.category, h.label
  HAVING COUNT(l.uscc) = 0
), ranked AS (
  SELECT code, entity, time, product, label, reason,
         COUNT(*) OVER (PARTITION BY entity, product, category) AS n,
         ROW_NUMBER() OVER (PARTITION BY entity, product, category ORDER BY time, code) AS k
  FROM offending
)
SELECT 'unlicensed_holder' AS rule, code, entity, time,
       label || '（' || product || '）：' || reason || '，共' || CAST(n AS STRING) || '次'
       AS detail
FROM ranked WHERE k = 1
"""


def illegal_channel(p: dict[str, Any], d: Dialect) -> str:
    receivers = in_list(p["receiver_types"])
    suppliers = in_list(p["supplier_kinds"])
    # written out where it is read, like ``held`` in unlicensed_holder
    rec = (
        "(SELECT e.code, e.entity, COALESCE(e.counterparty, '') AS counterparty, e.time, e.day "
        "FROM events e JOIN entities r ON r.uscc = e.entity "
        f"WHERE e.event = 'receive' AND r.entity_type IN {receivers})"
    )
    return f"""
WITH pairs AS (
  SELECT entity, counterparty, MIN(day) AS first_day, MAX(day) AS last_day
  FROM {rec} r GROUP BY entity, counterparty
), lic AS (
  SELECT uscc, valid_from, valid_until FROM licences
  WHERE kind IN {suppliers} AND status = 'valid'
), cover AS (
  SELECT pr.entity, pr.counterparty,
         MAX(CASE WHEN l.valid_from <= pr.first_day
                   AND (l.valid_until IS NULL OR l.valid_until >= pr.last_day)
                  THEN 1 ELSE 0 END) AS full_cover,
         COUNT(l.uscc) AS n_lic
  FROM pairs pr LEFT JOIN lic l ON l.uscc = pr.counterparty
  GROUP BY pr.entity, pr.counterparty
), judged AS (
  SELECT cv.entity, cv.counterparty,
    CASE
      WHEN cv.counterparty = '' THEN '入库未记录供货单位'
      WHEN cv.full_cover = 1 THEN NULL
      WHEN en.uscc IS NULL THEN '供货单位未在监管对象库登记'
      WHEN cv.n_lic = 0 THEN '供货单位无药品批发或零售连锁总部许可'
      ELSE 'partial'
    END AS reason
  FROM cover cv LEFT JOIN entities en ON en.uscc = cv.counterparty
), hits AS (
  -- the one second pass over the receipts: few rows, read by both branches below
  SELECT r.code, r.entity, r.counterparty, r.time, r.day, j.reason
  FROM {rec} r JOIN judged j ON r.entity = j.entity AND r.counterparty = j.counterparty
  WHERE j.reason IS NOT NULL
), offending AS (
  SELECT code, entity, counterparty, time, reason FROM hits WHERE reason <> 'partial'
  UNION ALL
  SELECT h.code, h.entity, h.counterparty, h.time, '供货单位的许可在该日期无效' AS reason
  FROM hits h
  LEFT JOIN lic l ON l.uscc = h.counterparty AND l.valid_from <= h.day
       AND (l.valid_until IS NULL OR l.valid_until >= h.day)
  WHERE h.reason = 'partial'
  GROUP BY h.code, h.entity, h.counterparty, h.time
  HAVING COUNT(l.uscc) = 0
), ranked AS (
  SELECT code, entity, counterparty, time, reason,
         COUNT(*) OVER (PARTITION BY entity, counterparty) AS n,
         ROW_NUMBER() OVER (PARTITION BY entity, counterparty ORDER BY time, code) AS k
  FROM offending
)
SELECT 'illegal_channel' AS rule, code, entity, time,
       '从' || CASE WHEN counterparty = '' THEN '（未记录）' ELSE counterparty END
       || '购进：' || reason || '，共' || CAST(n AS STRING) || '次' AS detail
FROM ranked WHERE k = 1
"""


def cold_chain_excursion(p: dict[str, Any], d: Dialect) -> str:
    lo, hi = float(p["min_celsius"]), float(p["max_celsius"])
    before, after = d.hours(p["hours_before"]), d.hours(p["transit_hours"])
    return f"""
WITH cold AS (
  SELECT DISTINCT product_key FROM products WHERE is_cold_chain OR is_vaccine
), cold_units AS (
  SELECT DISTINCT e.unit FROM events e JOIN cold c ON e.product = c.product_key
), excursions AS (
  SELECT s.code, COALESCE(s.entity, '') AS entity, MIN(s.time) AS time,
         MIN(s.temp_min) AS lo, MAX(s.temp_max) AS hi
  FROM sensors s JOIN cold_units c ON s.unit = c.unit
  WHERE s.temp_min < {lo} OR s.temp_max > {hi}
  GROUP BY s.code, COALESCE(s.entity, '')
), ships AS (
  SELECT e.unit, e.code, e.entity, COALESCE(e.counterparty, '') AS counterparty, e.time
  FROM events e JOIN cold c ON e.product = c.product_key WHERE e.event = 'ship'
), covered AS (
  SELECT DISTINCT s.unit, s.entity, s.time
  FROM ships s JOIN sensors r ON r.unit = s.unit
   AND r.time >= s.time - {before} AND r.time <= s.time + {after}
)
SELECT 'cold_chain_excursion' AS rule, code, entity, time,
       '温度超出' || {d.num(str(lo))} || '–' || {d.num(str(hi))} || '°C（最低'
       || {d.num("lo")} || '°C，最高' || {d.num("hi")} || '°C）' AS detail
FROM excursions
UNION ALL
SELECT 'cold_chain_excursion' AS rule, s.code, s.entity, s.time,
       '冷链运输无温度记录（发往' || s.counterparty || '）' AS detail
FROM ships s LEFT JOIN covered c ON c.unit = s.unit AND c.entity = s.entity AND c.time = s.time
WHERE c.unit IS NULL
"""


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
