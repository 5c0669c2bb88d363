# ruff: noqa: S608 - SQL built from fixed schemas, configuration and quoted literals
"""The cold-chain rule: a shipment of a cold-chain product without temperature readings in
range around it (冷链脱链). Scope ``code``."""

from __future__ import annotations

from typing import Any

from yaoan.analytics.trace.rules.dialect import Dialect


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
