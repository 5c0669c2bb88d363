"""The daily deadline sweep as a task for the worker (`yaoan db_worker`), and the small
scheduler loop that enqueues it once a day (`yaoan deadlines schedule`, started by
`make run` beside the worker)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.utils import timezone
from django_tasks import task

from yaoan.core.sweep import sweep_deadlines

logger = logging.getLogger(__name__)


@task()
def sweep_deadlines_task(today: str | None = None) -> dict[str, object]:
    """``today`` as YYYY-MM-DD (task arguments are JSON); None = today in Asia/Shanghai."""
    result = sweep_deadlines(dt.date.fromisoformat(today) if today else None)
    logger.info(
        "deadline sweep %s: %s overdue, %s reminded", result.today, result.overdue, result.reminded
    )
    return {
        "today": result.today.isoformat(),
        "overdue": result.overdue,
        "reminded": result.reminded,
        "notifications": result.notifications,
    }


def next_run(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next local time ``at`` strictly after ``now``."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


def run_schedule(
    at: dt.time,
    *,
    enqueue: Callable[[], object] = lambda: sweep_deadlines_task.enqueue(None),
    sleep: Callable[[float], object] = time.sleep,
    rounds: int | None = None,
) -> int:
    """Enqueue the sweep now (catching up a day the system was down) and then every day at
    ``at``; the sweep is idempotent, so a restart that enqueues it again does no harm.
    Sleeps in short steps so a changed clock (or a suspended laptop) is noticed."""
    enqueue()
    done = 1
    due = next_run(timezone.localtime(), at)
    while rounds is None or done < rounds:
        now = timezone.localtime()
        if now >= due:
            enqueue()
            done += 1
            due = next_run(now, at)
        else:
            sleep(min(60.0, (due - now).total_seconds()))
    return done
