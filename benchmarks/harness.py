"""What the benchmark scripts share: the environment of a run, a command's output, and the
backends a figure is measured on — SQLite in a folder of its own, PostgreSQL as a
throw-away cluster from ``.ci/pg.sh`` that is stopped at the end, also on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG = ROOT / ".ci" / "pg.sh"

Env = dict[str, str]
Measure = Callable[[Env, str], dict[str, Any]]


def bench_env(var_dir: Path, database_url: str | None, **extra: str) -> Env:
    """Production-like settings (no debug: no query log, cached templates) in ``var_dir``."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        {
            "YAOAN_VAR_DIR": str(var_dir),
            "YAOAN_DEBUG": "0",
            "YAOAN_SECRET_KEY": "benchmark-only-not-secret",
            "YAOAN_AUDIT_KEY": "benchmark-only-audit-key",
            "YAOAN_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "yaoan.settings",
            **extra,
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(cmd: list[str], env: Env) -> str:
    """The command's standard output; a failure ends the benchmark with its error."""
    result = subprocess.run(cmd, env=env, cwd=ROOT, check=False, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{' '.join(cmd[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def on_backends(
    backends: str, var_dir: Path, pg_port: str, measure: Measure, **extra: str
) -> dict[str, dict[str, Any]]:
    """``measure(env, backend)`` on each of the comma-separated ``backends``."""
    results: dict[str, dict[str, Any]] = {}
    for backend in backends.split(","):
        if backend == "sqlite":
            results["sqlite"] = measure(bench_env(var_dir / "sqlite", None, **extra), backend)
        elif backend == "postgres":
            pg_dir = var_dir / "pg"
            url = run([str(PG), "start", str(pg_dir), pg_port], {**os.environ})
            try:
                env = bench_env(var_dir / "postgres", url.strip().splitlines()[-1], **extra)
                results["postgres"] = measure(env, backend)
            finally:
                subprocess.run([str(PG), "stop", str(pg_dir)], check=False)
        else:
            sys.exit(f"unknown backend {backend}")
    return results
