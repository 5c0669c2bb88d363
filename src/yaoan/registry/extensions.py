"""Extension points for the apps above the registry, so the registry never imports them.

``register_profile_grant(fn)``
    ``fn(user, entity_id) -> bool``: whether the user may read that entity's profile even
    though it lies outside their data scope. Inspections registers "on the team of a
    non-cancelled inspection of it": an inspector drawn or assigned to a business in another
    station must open its profile (address, contact, licences) before the visit. It opens the
    detail page (and its audited phone reveal) only, never the lists, exports or the API.

Apps call these in their ``AppConfig.ready``; registering the same function again is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable

from yaoan.core.models import User

ProfileGrant = Callable[[User, int], bool]

PROFILE_GRANTS: list[ProfileGrant] = []


def register_profile_grant(fn: ProfileGrant) -> None:
    if fn not in PROFILE_GRANTS:
        PROFILE_GRANTS.append(fn)


def profile_granted(user: User, entity_id: int) -> bool:
    return any(grant(user, entity_id) for grant in PROFILE_GRANTS)
