"""The drug trace-code engine: codes, ingest (CSV, EPCIS 2.0), the Parquet store, queries
and anomaly rules on DuckDB or Spark. Pure Python: no Django, no app (docs/trace.md)."""
