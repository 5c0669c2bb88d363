"""The authentication backend: Django's, loading the user's org unit and roles with the
user.

Every page reads the org unit and the roles (the data scope, S9; the navigation; the
header), so fetching them in the same query as the user saves two queries on every
request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, OuterRef, Subquery

from yaoan.core.models import RoleAssignment, User


class _JoinedRoles(Aggregate):
    """The roles as one comma-separated string (role values have no commas)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)


def _roles_of_user() -> Subquery:
    of_user = RoleAssignment.objects.filter(user=OuterRef("pk")).order_by()
    return Subquery(of_user.values("user").annotate(joined=_JoinedRoles("role")).values("joined"))


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = (
                User._default_manager.select_related("org_unit")
                .annotate(joined_roles=_roles_of_user())
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        user._role_set = frozenset(filter(None, (user.joined_roles or "").split(",")))
        return user if self.user_can_authenticate(user) else None
