"""``yaoan trace``: load drug trace-code events and ask where units went.

    yaoan trace ingest FILE… [--all-or-nothing] [--no-rules]
    yaoan trace where CODE [--json]
    yaoan trace batch PRODUCT BATCH [--json]
    yaoan trace entity USCC [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]
    yaoan trace anomalies [--rules r1,r2] [--out FILE.csv] [--engine duckdb|spark]
                          [--spark-master URL] [--config RULES.toml]

Every subcommand first refreshes the registry snapshot the engine reads; ``ingest``
writes an audit event per file (digest, counts) as the system actor "trace-command",
with the OS user who ran it. The store is ``$YAOAN_VAR_DIR/trace``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yaoan.analytics.trace import cli
from yaoan.core.actors import os_user, system_actor
from yaoan.trace import services
from yaoan.trace.queries import trace_store

TRACE_ACTOR = "trace-command"  # core.actors: holds a loader's role over the district


class Command(BaseCommand):
    help = "Load drug trace-code events (CSV, EPCIS) and query where units came from and went."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_subcommands(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        store = trace_store()
        if options["subcommand"] == "ingest":
            status = self._ingest(options)
        else:
            services.refresh_registry_snapshot(store)
            status = cli.execute(argparse.Namespace(**options), store, self.stdout)
        if status != cli.EXIT_OK:
            raise CommandError("", returncode=status)

    def _ingest(self, options: dict[str, Any]) -> int:
        missing = [f for f in options["files"] if not Path(f).is_file()]
        if missing:
            raise CommandError("文件不存在：" + "、".join(missing), returncode=cli.EXIT_USAGE)
        try:
            results = services.ingest_files(
                actor=system_actor(TRACE_ACTOR),
                detail={"os_user": os_user()},
                paths=options["files"],
                strict=options["all_or_nothing"],
                run_rules=not options["no_rules"],
            )
        except PermissionDenied as exc:
            # e.g. no district set up yet: the command's actor has no unit to load for
            raise CommandError(str(exc), returncode=cli.EXIT_USAGE) from exc
        for r in results:
            line = f"{r.name}\t{r.status}\t事件 {r.events}\t拒绝 {r.rejected}"
            self.stdout.write(line + (f"\t拒绝记录：{r.reject_file}" if r.reject_file else ""))
        rejected = any(r.status == "rejected" for r in results)
        return cli.EXIT_NOTHING if rejected else cli.EXIT_OK
