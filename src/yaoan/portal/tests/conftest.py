import pytest


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    """Small proof-of-work (tests solve it in Python), files in a throw-away folder."""
    settings.PORTAL_POW_MAX_NUMBER = 3000
    settings.MEDIA_ROOT = tmp_path / "files"
