"""``yaoan serve``: the production WSGI server, static files via WhiteNoise.

On POSIX systems gunicorn runs a process per core (YAOAN_SERVE_WORKERS, each with a few
threads): one Python process is bound by its interpreter lock to about one core, which is
what a single waitress process used of a 2-core machine. Where gunicorn cannot run
(Windows) waitress serves, as before, in one process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

# what a TLS-terminating proxy in front says about the request: the client's address (for
# the audit log, S14) and that it came over HTTPS (for HSTS and Secure cookies, S13)
PROXY_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto"})
WSGIApp = Callable[..., Any]


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


def with_proxy_headers(application: WSGIApp, trusted_proxy: str) -> WSGIApp:
    """The same forwarded-header rule under gunicorn: waitress's middleware (pure WSGI)
    with the options waitress itself would use, so both servers believe the same."""
    from waitress.proxy_headers import proxy_headers_middleware  # type: ignore[import-untyped]

    options = proxy_options(trusted_proxy)
    return proxy_headers_middleware(
        application,
        trusted_proxy=options.get("trusted_proxy"),
        trusted_proxy_count=options.get("trusted_proxy_count", 1),
        trusted_proxy_headers=options.get("trusted_proxy_headers"),
        clear_untrusted=options["clear_untrusted_proxy_headers"],
    )


def gunicorn_options(listen: str, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": [listen],
        "workers": max(1, workers),
        "threads": max(1, threads),
        "worker_class": "gthread",
        # forwarded headers are judged by with_proxy_headers, never by gunicorn itself
        "forwarded_allow_ips": "",
        "timeout": 120,
        "graceful_timeout": 20,
        # a worker is replaced now and then, so slow growth in one never builds up
        "max_requests": 5000,
        "max_requests_jitter": 500,
        "proc_name": "yaoan",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


def run_gunicorn(application: WSGIApp, options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication

    class YaoanServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApp:
            return application

    YaoanServer().run()


def gunicorn_available() -> bool:
    if os.name != "posix":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


class Command(BaseCommand):
    help = "Serve yaoan: gunicorn with a process per core (POSIX), else waitress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--listen", default="127.0.0.1:8000")
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.SERVE_WORKERS,
            help="processes (default: $YAOAN_SERVE_WORKERS, else one per core)",
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per process")
        parser.add_argument("--server", choices=["auto", "gunicorn", "waitress"], default="auto")
        parser.add_argument(
            "--trusted-proxy",
            default=os.environ.get("YAOAN_TRUSTED_PROXY", ""),
            help="address of the reverse proxy whose X-Forwarded-For/-Proto are believed "
            "(default: $YAOAN_TRUSTED_PROXY; none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from yaoan.wsgi import application

        server = options["server"]
        if server == "gunicorn" or (server == "auto" and gunicorn_available()):
            wrapped = with_proxy_headers(application, options["trusted_proxy"])
            connections.close_all()  # the workers fork from here: none may share a socket
            run_gunicorn(
                wrapped, gunicorn_options(options["listen"], options["workers"], options["threads"])
            )
            return
        from waitress import serve  # type: ignore[import-untyped]

        serve(
            application,
            listen=options["listen"],
            threads=max(options["threads"], 8),
            ident="yaoan",
            **proxy_options(options["trusted_proxy"]),
        )
