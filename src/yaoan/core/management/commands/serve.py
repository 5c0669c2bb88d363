"""``yaoan serve``: the production WSGI server (waitress), static files via WhiteNoise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve yaoan with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--listen", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve  # type: ignore[import-untyped]

        from yaoan.wsgi import application

        serve(
            application,
            listen=options["listen"],
            threads=options["threads"],
            ident="yaoan",
            clear_untrusted_proxy_headers=True,
        )
