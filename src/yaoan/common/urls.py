"""reverse() for URL names without arguments, memoised: the header reverses a dozen of
them on every page, and Django's reverse walks its candidates each time."""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def fixed_url(name: str) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(name, urlconf, get_script_prefix())


@functools.lru_cache(maxsize=512)
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)  # `prefix` is in the key: reverse() reads it too
