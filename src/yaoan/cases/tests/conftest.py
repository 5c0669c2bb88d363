"""The cases tests work in the shared world (the root conftest's ``world`` fixture): the
enforcement team's case officer leads, a second officer of the team assists, the section
chief and the leader approve, a legal reviewer of the section does 法制审核. Evidence
files are stored under the test's own folder."""

from __future__ import annotations

import pytest

from yaoan.common.testing import weekend_calendar_for_coming_years


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture(autouse=True)
def _calendar(db):
    # the decision clock and its extension reach into next year
    weekend_calendar_for_coming_years()
