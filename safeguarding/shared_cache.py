"""Rendered pages and files kept in Django's cache, shared by every web process and host.

The cache is Redis in production (settings.CACHES["default"]). Redis being down must
not take pages down with it: a failed read or write is treated as a miss, and for
``OUTAGE_SECONDS`` afterwards this process does not ask again, so a page renders at
once instead of waiting for a connect timeout on every request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

OUTAGE_SECONDS = 15.0
_unavailable_until = 0.0


def available() -> bool:
    """False for a while after the cache failed in this process (see the module)."""
    return time.monotonic() >= _unavailable_until


def failed(error: Exception) -> None:
    """Note a failure of the cache: it is not asked again for OUTAGE_SECONDS."""
    global _unavailable_until
    _unavailable_until = time.monotonic() + OUTAGE_SECONDS
    logger.warning("Shared cache unavailable for %ss: %s", OUTAGE_SECONDS, error)


def get(key: str) -> Any | None:
    if not available():
        return None
    try:
        return cache.get(key)
    except Exception as error:  # any backend failure is a miss, never a 500
        failed(error)
        return None


def exists(key: str) -> bool:
    if not available():
        return False
    try:
        return cache.has_key(key)
    except Exception as error:
        failed(error)
        return False


def put(key: str, value: Any, timeout: float | None = None) -> None:
    if not available():
        return
    try:
        if timeout is None:
            cache.set(key, value)
        else:
            cache.set(key, value, timeout)
    except Exception as error:
        failed(error)


def clear_prefix(prefix: str) -> int:
    """Delete every entry whose key starts with ``prefix`` (tests, and after a restore).
    Never ``cache.clear()``: on Redis that empties the whole database, Celery's queue included."""
    backend = cache
    if not (hasattr(backend, "_cache") and hasattr(backend._cache, "get_client")):
        backend.clear()  # local memory: this process's own
        return 0
    try:
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=backend.make_key(prefix) + "*", count=1000))
        if keys:
            client.delete(*keys)
    except Exception as error:  # nothing to clear in a cache that cannot be reached
        failed(error)
        return 0
    return len(keys)


def reset_outage() -> None:
    """Ask the cache again at once (tests)."""
    global _unavailable_until
    _unavailable_until = 0.0
