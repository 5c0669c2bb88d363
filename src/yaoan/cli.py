"""The ``yaoan`` console script: Django's management entry point with our settings."""

import os
import sys

UNMIGRATED = (
    "数据库尚未迁移：请先运行 yaoan migrate\n"
    "The database has not been migrated: run `yaoan migrate` first.\n"
)
EXIT_UNMIGRATED = 2


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "signals":
        # The signal engine needs no Django: skip its set-up to keep start-up fast.
        from yaoan.analytics.signals.cli import main as signals_main

        sys.exit(signals_main(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yaoan.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(sys.argv)
    except DatabaseError:
        if not database_unmigrated():
            raise
        sys.stderr.write(UNMIGRATED)
        sys.exit(EXIT_UNMIGRATED)


def database_unmigrated() -> bool:
    """Whether migrations are waiting: a command that failed on a missing table then gets
    a plain sentence instead of a traceback."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    connection.close()  # the failed statement may have left a broken transaction behind
    try:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # the original error is the one worth showing
        return False


if __name__ == "__main__":
    main()
