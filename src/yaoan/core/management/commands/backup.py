"""``yaoan backup --to DIR``: write a consistent backup (database, stored files, manifest
with digests; keys kept apart) and print its path as the last line (S23).
``yaoan backup schedule [--at HH:MM]``: one a day into YAOAN_BACKUP_DIR, keeping the
newest YAOAN_BACKUP_KEEP (what `make run` starts beside the deadline sweep)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yaoan.core.backup import BackupError, backups_in, create_backup, prune
from yaoan.core.deadline_tasks import next_run

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Write a backup (`--to DIR`), or keep writing one daily (`schedule`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["schedule"])
        parser.add_argument("--to", help="directory to write the backup into")
        parser.add_argument("--at", default="02:30", help="schedule: local time of the daily run")
        parser.add_argument("--keep", type=int, default=None, help="schedule: backups kept")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "schedule":
            self._schedule(options)
            return
        if not options["to"]:
            raise CommandError("say where: yaoan backup --to DIR (请用 --to 指定备份目录)")
        try:
            path = create_backup(Path(options["to"]))
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup failed (备份失败): {exc}") from exc
        self.stdout.write(str(path))  # the last line: other tools read the path from it

    def _schedule(self, options: dict[str, Any]) -> None:
        try:
            at = dt.time.fromisoformat(options["at"])
        except ValueError as exc:
            raise CommandError(f"--at must be HH:MM, not {options['at']!r}") from exc
        directory = Path(settings.BACKUP_DIR)
        keep = options["keep"] or settings.BACKUP_KEEP
        self.stdout.write(f"backup scheduled daily at {at:%H:%M} into {directory}, keeping {keep}")
        if _stale(directory):  # catch up a day missed while the system was down
            self._run_once(directory, keep)
        due = next_run(timezone.localtime(), at)
        while True:
            now = timezone.localtime()
            if now >= due:
                self._run_once(directory, keep)
                due = next_run(now, at)
            else:
                time.sleep(min(60.0, (due - now).total_seconds()))

    def _run_once(self, directory: Path, keep: int) -> None:
        try:
            path = create_backup(directory)
        except Exception:  # the loop outlives one failed night; the log says why
            logger.exception("scheduled backup into %s failed", directory)
            return
        removed = prune(directory, keep)
        self.stdout.write(f"backup written: {path} ({len(removed)} old removed)")


def _stale(directory: Path) -> bool:
    """No backup in the last day (by the directory's modification time)."""
    complete = backups_in(directory)
    if not complete:
        return True
    return time.time() - complete[-1].stat().st_mtime > 24 * 3600
