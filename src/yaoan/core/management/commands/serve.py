"""``yaoan serve``: the production WSGI server (waitress), static files via WhiteNoise."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# what a TLS-terminating proxy in front says about the request: the client's address (for
# the audit log, S14) and that it came over HTTPS (for HSTS and Secure cookies, S13)
PROXY_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})


def proxy_options(trusted_proxy: str) -> dict[str, Any]:
    """Waitress's proxy settings. With no trusted proxy, forwarded headers are dropped (a
    client could otherwise claim any address); with one, they are believed from it only."""
    if not trusted_proxy:
        return {"clear_untrusted_proxy_headers": True}
    return {
        "trusted_proxy": trusted_proxy,
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": PROXY_HEADERS,
        "clear_untrusted_proxy_headers": True,
    }


class Command(BaseCommand):
    help = "Serve yaoan with waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--listen", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--trusted-proxy",
            default=os.environ.get("YAOAN_TRUSTED_PROXY", ""),
            help="address of the reverse proxy whose X-Forwarded-For/-Proto are believed "
            "(default: $YAOAN_TRUSTED_PROXY; none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve  # type: ignore[import-untyped]

        from yaoan.wsgi import application

        serve(
            application,
            listen=options["listen"],
            threads=options["threads"],
            ident="yaoan",
            **proxy_options(options["trusted_proxy"]),
        )
