"""Pure-Python analytics (signal detection, trace rules, risk scores, random draws).

Nothing here imports Django or an app: the same code runs on DuckDB or on Spark,
and apps reach it only through their services.
"""
