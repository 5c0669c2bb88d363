"""The application's PostgreSQL role may append to the audit table but never UPDATE, DELETE
or TRUNCATE it (S15), so even a hijacked application cannot rewrite the log.

Migrations run as the tables' owner (``yaoan migrate --database=migrate``, see settings);
after every migrate the owner grants the application's role what it needs on every table
and sequence, then takes those three rights on the audit table back. Nothing happens on
SQLite or when no application role is configured.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections

AUDIT_TABLE = "core_auditevent"


def grant_application_role(*, using: str = "default", **kwargs: Any) -> None:
    role = str(getattr(settings, "AUDIT_APP_DB_ROLE", "") or "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    name = connection.ops.quote_name(role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_TABLE} FROM {name}",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
