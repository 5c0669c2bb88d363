"""``yaoan deadlines sweep [--today YYYY-MM-DD] [--enqueue]``: the daily deadline sweep
(idempotent); ``yaoan deadlines schedule [--at HH:MM]``: enqueue it for the task worker
now and every day at that local time (what `make run` starts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yaoan.core.deadline_tasks import run_schedule, sweep_deadlines_task
from yaoan.core.sweep import sweep_deadlines


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be YYYY-MM-DD, not {value!r}") from exc


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--at must be HH:MM, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Deadline tools: `sweep` marks overdue deadlines and sends reminders; "
        "`schedule` enqueues the sweep now and daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["sweep", "schedule"])
        parser.add_argument("--today", help="sweep as of this date (YYYY-MM-DD)")
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the sweep to the task worker"
        )
        parser.add_argument("--at", default="00:05", help="schedule: local time of the daily run")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "schedule":
            at = _time(options["at"])
            self.stdout.write(f"deadline sweep scheduled daily at {at:%H:%M} (and now)")
            run_schedule(at, enqueue=self._enqueue)
            return
        today = _date(options["today"]) if options["today"] else None
        if options["enqueue"]:
            self._enqueue(today)
            return
        result = sweep_deadlines(today)
        self.stdout.write(
            f"{result.today}: {result.overdue} overdue, {result.reminded} reminded, "
            f"{result.notifications} notifications"
        )

    def _enqueue(self, today: dt.date | None = None) -> None:
        result = sweep_deadlines_task.enqueue(today.isoformat() if today else None)
        self.stdout.write(f"deadline sweep enqueued ({result.id})")
        self.stdout.flush()  # the schedule runs for days with its output in a log
