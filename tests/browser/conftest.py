"""Browser tests: real headless Chromium (Debian's package) driven by Playwright's sync API
against pytest-django's live server. One browser per session, a fresh context per test.

Every page a test opens is watched: a CSP violation, an uncaught script error, a server
error or a missing static file fails the test, since a person would see a broken page."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import PHONE

CHROMIUM = os.environ.get("YAOAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMEOUT_MS = 15_000
AUDIT_TRIGGER_MIGRATION = "yaoan.core.migrations.0002_audit_append_only_and_deadline_rules"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class PageProblems:
    """What the browser reported that a person would notice (or a security reviewer)."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def console(self, msg: Any) -> None:
        text = msg.text
        if msg.type == "error" or "Content Security Policy" in text:
            location = msg.location or {}
            self.items.append(f"console {msg.type}: {text} ({location.get('url', '')})")

    def page_error(self, error: Any) -> None:
        self.items.append(f"page error: {error}")

    def response(self, response: Any) -> None:
        broken_asset = response.status == 404 and "/static/" in response.url
        if response.status >= 500 or broken_asset:
            self.items.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def page_problems() -> PageProblems:
    return PageProblems()


def _new_page(browser: Any, problems: PageProblems, **context_args: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True, **context_args
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", problems.console)
    page.on("pageerror", problems.page_error)
    page.on("response", problems.response)
    try:
        yield page
    finally:
        context.close()
    assert not problems.items, "the browser reported problems:\n" + "\n".join(problems.items)


def _audit_triggers(action: str) -> None:
    from django.db import connection

    migration = importlib.import_module(AUDIT_TRIGGER_MIGRATION)
    with connection.schema_editor() as editor:
        migration.drop_triggers(None, editor)
        if action == "create":
            migration.create_triggers(None, editor)


@pytest.fixture(scope="session")
def _audit_triggers_restored(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    from django.db import connection

    yield
    with django_db_blocker.unblock():
        _audit_triggers("create")
        # this runs after pytest-django has closed the test's connections: one left open
        # here kept PostgreSQL from dropping the test database at the session's end
        connection.close()


@pytest.fixture
def audit_log_flushable(_audit_triggers_restored: None, live_server: Any) -> Iterator[None]:
    """The live server needs a transactional database, emptied after each test by a flush,
    which the audit table's append-only triggers refuse. The triggers stay in force while
    the test runs and are lifted only for that flush (and put back at the session's end)."""
    _audit_triggers("create")
    yield
    _audit_triggers("drop")


@pytest.fixture
def reference_data(audit_log_flushable: None) -> None:
    """What migrations load (deadline rules, checklists, the plan's default rules, the
    discretion baseline) is emptied by the flush after each live-server test: load it
    again (every loader is idempotent)."""
    from django.apps import apps as django_apps

    from yaoan.common.testing import weekend_calendar_for_coming_years

    importlib.import_module(AUDIT_TRIGGER_MIGRATION).load_deadline_rules(django_apps, None)
    importlib.import_module(
        "yaoan.inspections.migrations.0002_default_checklists_and_deadline"
    ).load(django_apps, None)
    importlib.import_module("yaoan.plans.migrations.0002_default_rules").install(django_apps, None)
    importlib.import_module("yaoan.cases.migrations.0004_penalty").load_default_baseline(
        django_apps, None
    )
    weekend_calendar_for_coming_years()


@pytest.fixture
def page(
    browser: Any, page_problems: PageProblems, reference_data: None, live_server: Any
) -> Iterator[Any]:
    """A desktop-sized page (1280×900)."""
    yield from _new_page(browser, page_problems, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_page(
    browser: Any, page_problems: PageProblems, reference_data: None, live_server: Any
) -> Iterator[Any]:
    """A phone-sized page (390×844, touch, as an inspector's phone on site)."""
    yield from _new_page(browser, page_problems, **PHONE)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
