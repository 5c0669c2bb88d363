"""Who the demo acts as when no demo person does: the one place the demo obtains its named
system actors (core.actors). 三员 holds for them too: the org structure and accounts are
the system administrator's work, role assignments the security administrator's. The
district's business data is entered by its demo people (the chiefs and inspectors)."""

from __future__ import annotations

from yaoan.core.actors import system_actor
from yaoan.core.models import User


def structure_actor() -> User:
    """Sets up units, the grid and accounts (系统管理员)."""
    return system_actor("demo-accounts")


def roles_actor() -> User:
    """Gives the demo accounts their roles and enrolment codes (安全管理员)."""
    return system_actor("demo-roles")
