# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""The rules on a unit's sales: sold twice (回流药), sold at several entities, sold without
a receipt, sold after expiry. Scope ``code``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yaoan.analytics.trace.rules.dialect import Dialect, in_list


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
