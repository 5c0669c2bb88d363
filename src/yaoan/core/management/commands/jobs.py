"""``yaoan jobs expire``: end the running jobs whose worker stopped renewing their lease
(killed, crashed machine) as interrupted, so their owners see it and may retry them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yaoan.core.jobs import expire_stale_jobs


class Command(BaseCommand):
    help = "Background job tools. `expire` ends running jobs whose lease ran out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["expire"])

    def handle(self, *args: Any, **options: Any) -> None:
        ended = expire_stale_jobs()
        self.stdout.write(f"{ended} interrupted job(s) ended")
