"""Loaded with ``-p`` before pytest-django reads the settings: DEBUG off like production,
throw-away keys, background tasks run inline."""

import os

os.environ.setdefault("YAOAN_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("YAOAN_AUDIT_KEY", "test-only-audit-key")
os.environ.setdefault("YAOAN_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server
