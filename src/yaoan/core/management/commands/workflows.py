"""``yaoan workflows doc > docs/workflows.md``: every workflow's table and diagram."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from yaoan.core.workflow import all_workflows
from yaoan.core.workflow_docs import markdown


class Command(BaseCommand):
    help = "Workflow tools. `doc` prints docs/workflows.md (tables and mermaid diagrams)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["doc"])

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("zh-hans"):
            self.stdout.write(markdown(all_workflows()), ending="")
