# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""The rules on who holds a unit: an entity without the licence (or the scope) for the
product's category, and purchases through an illegal channel. Scope ``entity``; they read
the registry snapshot (entities, licences, products)."""

from __future__ import annotations

from typing import Any

from yaoan.analytics.trace.rules.dialect import Dialect, in_list, lit, values_table

CATEGORY_LABELS = {
    "drug": "药品",
    "vaccine": "疫苗",
    "special": "特殊药品",
    "prescription": "处方药",
    "device": "医疗器械",
}


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
