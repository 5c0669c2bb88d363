"""`yaoan serve` behind a TLS proxy (S13, S14): forwarded headers believed from it only."""

import io
import sys

import pytest
from waitress.proxy_headers import proxy_headers_middleware  # type: ignore[import-untyped]

from yaoan.core.management.commands.serve import (
    gunicorn_options,
    proxy_options,
    with_proxy_headers,
)

PROXY = "10.0.0.5"


def seen_by_the_app(options, remote_addr):
    """What the application sees of a request that says it was https, for 203.0.113.9."""
    seen = {}

    def app(environ, start_response):
        seen.update(scheme=environ["wsgi.url_scheme"], ip=environ["REMOTE_ADDR"])
        start_response("200 OK", [])
        return [b""]

    wrapped = proxy_headers_middleware(
        app,
        trusted_proxy=options.get("trusted_proxy"),
        trusted_proxy_count=options.get("trusted_proxy_count", 1),
        trusted_proxy_headers=options.get("trusted_proxy_headers"),
        clear_untrusted=options["clear_untrusted_proxy_headers"],
    )
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "yaoan",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": remote_addr,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    }
    b"".join(wrapped(environ, lambda *args: None))
    return seen


def test_the_trusted_proxy_is_believed():
    assert seen_by_the_app(proxy_options(PROXY), PROXY) == {"scheme": "https", "ip": "203.0.113.9"}


@pytest.mark.parametrize(
    ("trusted", "remote"), [("", "10.9.9.9"), (PROXY, "10.9.9.9")], ids=["no proxy", "another"]
)
def test_forwarded_headers_from_anyone_else_are_not(trusted, remote):
    assert seen_by_the_app(proxy_options(trusted), remote) == {"scheme": "http", "ip": remote}


def through_the_gunicorn_wrapper(trusted: str, remote_addr: str) -> dict[str, str]:
    seen: dict[str, str] = {}

    def app(environ, start_response):
        seen.update(scheme=environ["wsgi.url_scheme"], ip=environ["REMOTE_ADDR"])
        start_response("200 OK", [])
        return [b""]

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "yaoan",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": remote_addr,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
    }
    b"".join(with_proxy_headers(app, trusted)(environ, lambda *args: None))
    return seen


def test_under_gunicorn_the_same_proxy_rule_holds():
    assert through_the_gunicorn_wrapper(PROXY, PROXY) == {"scheme": "https", "ip": "203.0.113.9"}
    assert through_the_gunicorn_wrapper("", "10.9.9.9") == {"scheme": "http", "ip": "10.9.9.9"}
    assert through_the_gunicorn_wrapper(PROXY, "10.9.9.9") == {"scheme": "http", "ip": "10.9.9.9"}


def test_gunicorn_runs_a_process_per_worker_with_threads_and_ignores_forwarded_headers():
    options = gunicorn_options("127.0.0.1:8000", workers=2, threads=4)
    assert (options["workers"], options["threads"], options["worker_class"]) == (2, 4, "gthread")
    assert options["forwarded_allow_ips"] == ""  # judged by with_proxy_headers only
