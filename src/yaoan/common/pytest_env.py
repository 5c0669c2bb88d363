"""Loaded with ``-p`` before pytest-django reads the settings: DEBUG off like production,
throw-away keys, a test key ring for personal data, background tasks run inline."""

import os

os.environ.setdefault("YAOAN_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("YAOAN_AUDIT_KEY", "test-only-audit-key")
os.environ.setdefault("YAOAN_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server
# fixed, test-only keys of core.pii (SM4 16 bytes, index 32 bytes); never used elsewhere
os.environ.setdefault(
    "YAOAN_PII_KEYS",
    '{"current": "k1", "keys": {"k1": "dGVzdC1vbmx5LXNtNC1rMQ=="}, '
    '"index_key": "dGVzdC1vbmx5LWhtYWMtc20zLWluZGV4LWtleS0zMmI="}',
)
