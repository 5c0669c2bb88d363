"""The complaints tests work in the shared world (the root conftest's ``world`` fixture,
yaoan.common.testing.World): two stations with an inspector each, the section chief
(district-wide), the bureau's leader, a case officer and the three administrators. Put here
only fixtures the complaints module alone needs."""

import pytest


@pytest.fixture(autouse=True)
def _known_calendar(db):
    """Clocks opened today may run into next year (S20 refuses an unknown year)."""
    from yaoan.common.testing import weekend_calendar_for_coming_years

    weekend_calendar_for_coming_years()
