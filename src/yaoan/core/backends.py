"""The authentication backend: Django's, loading the user's org unit with the user.

Every page reads the org unit (the data scope, S9; the header), so fetching it in the
same query as the user saves a query on every request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from yaoan.core.models import User


class UserBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        """A system actor (core.actors) never signs in, whatever its password or state."""
        return super().user_can_authenticate(user) and not getattr(user, "is_system_actor", False)

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("org_unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
