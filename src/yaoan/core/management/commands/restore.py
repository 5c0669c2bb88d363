"""``yaoan restore PATH --yes``: replace the current database and stored files with a
backup written by ``yaoan backup``, after checking every file's digest (S23). Stop the
server and the task worker first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yaoan.core.backup import BackupError, check_backup, restore_backup

REFUSED_WITHOUT_YES = (
    "restore replaces ALL current data (database and stored files) with the backup's; "
    "anything written since the backup is lost. Stop the server and the task worker, then "
    "run again with --yes.\n"
    "恢复将用备份替换当前全部数据（数据库和文件），备份之后写入的内容将丢失。"
    "请先停止服务和后台任务进程，再加 --yes 运行。"
)


class Command(BaseCommand):
    help = "Restore a backup written by `yaoan backup` (checks its digests first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup directory (the path `yaoan backup` printed)")
        parser.add_argument("--yes", action="store_true", help="really replace the current data")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            if not options["yes"]:
                check_backup(path)  # so the refusal also says whether the backup is sound
                raise CommandError(REFUSED_WITHOUT_YES)
            manifest = restore_backup(path)
        except BackupError as exc:
            raise CommandError(f"restore refused (拒绝恢复): {exc}") from exc
        keys = ", ".join(manifest["keys_kept_apart"]) or "none"
        self.stdout.write(
            f"restored {path} (taken {manifest['created_at']}, {len(manifest['files'])} files); "
            f"keys not in the backup, kept from this system: {keys}"
        )
