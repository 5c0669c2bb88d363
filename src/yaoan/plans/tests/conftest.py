"""Every plans test starts with no extension registered (sources, done counters), whatever
other apps registered in their ready(); the registrations are restored afterwards."""

import pytest

from yaoan.plans import extensions


@pytest.fixture(autouse=True)
def _no_extensions():
    saved = (dict(extensions.KEY_LIST_SOURCES), dict(extensions.DONE_COUNTERS))
    extensions.KEY_LIST_SOURCES.clear()
    extensions.DONE_COUNTERS.clear()
    yield
    extensions.KEY_LIST_SOURCES.clear()
    extensions.DONE_COUNTERS.clear()
    extensions.KEY_LIST_SOURCES.update(saved[0])
    extensions.DONE_COUNTERS.update(saved[1])
