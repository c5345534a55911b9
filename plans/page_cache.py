"""Cache of the plan page's body (filters and the seven-column table).

Rendering 1,000 rows is the plan page's cost (FIELD-NOTES: template work, not the
database), so the body is rendered once per change of the plan and kept in Django's
cache, which is Redis in production (``safeguarding.shared_cache``): a body rendered by
one web process is served by every other process and host.

The key is the plan's ``content_version`` (read with the plan itself, no extra query),
bumped in the same transaction as every write that changes what the page shows
(``plans.models.PlanPartQuerySet`` for bulk writes, ``plans.content_version`` for saves
and deletes). The plan row is read before the rows the body is rendered from, so a body
can never be stored under a version newer than its data. The key also holds a digest of
the templates and code the body is made from, so a release that changes them never
serves bodies rendered by the old ones. Entries expire after ``settings.CACHE_SECONDS``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from safeguarding import shared_cache
from safeguarding.queueing import send_after_commit

from .models import BusinessPlan

KEY_PREFIX = "plan-body:"
LATEST_PREFIX = "plan-body-latest:"
# At DEBUG (PAGE_CACHE_LOG_LEVEL=DEBUG) every lookup and render is logged with the process
# id: bench/shared_cache.py reads them to show which process rendered and which were served.
logger = logging.getLogger(__name__)
# What the body is made from besides data: its templates, and the module that builds the
# table's rows (plans.plan_table, with its Jinja2 template).
_BODY_SOURCES = (
    "templates/includes/illustrative.html",
    "plans/templates/plans/_plan_body.html",
    "plans/templates/plans/_error_summary.html",
    "plans/jinja2/plans/_plan_table.html",
    "plans/plan_table.py",
    "plans/rows.py",
    "plans/filters.py",
)


@functools.cache
def templates_digest() -> str:
    """Of the files that make the body (and this module, which names what the key holds)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in _BODY_SOURCES:
        path = settings.BASE_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def body_key(plan: BusinessPlan, can_manage: bool, query_string: str, today: datetime.date) -> str:
    return body_key_for(plan.pk, plan.content_version, can_manage, query_string, today)


def body_key_for(
    plan_pk: int, content_version: int, can_manage: bool, query_string: str, today: datetime.date
) -> str:
    query = hashlib.sha256(query_string.encode()).hexdigest()[:32]
    return (
        f"{KEY_PREFIX}{plan_pk}:v{content_version}:{templates_digest()}:"
        f"{int(can_manage)}:{today.isoformat()}:{query}"
    )


def _latest_key(key: str) -> tuple[str, int]:
    """The key of the pointer to the newest stored body of ``key``'s family (the same plan,
    code, role, day and filters, any version), and ``key``'s version."""
    plan_pk, version, rest = key.removeprefix(KEY_PREFIX).split(":", 2)
    return f"{LATEST_PREFIX}{plan_pk}:{rest}", int(version.removeprefix("v"))


class _LocalBodies:
    """The bodies this process served last, in front of the shared cache.

    A key names one version of one body (plan, content version, code, role, filters, day),
    so a copy kept here can never be stale: a write makes a new key, never a new value for
    an old one. Reading a 1,000-action body (~1 MB) from Redis cost more CPU than the whole
    bare view it is measured against (bench/plan_page.py: 2.5–4 ms in redis-py); from here it
    costs a dictionary lookup. Bounded by bytes (least recently used go first) and by age
    (settings.CACHE_SECONDS, as the shared copy)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[0] > settings.CACHE_SECONDS:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic(), body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _, body = self._entries.pop(key)
        self._bytes -= len(body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


# 32 MiB a process: about thirty 1,000-action bodies.
local_bodies = _LocalBodies(max_bytes=32 * 1024 * 1024)


def get(key: str, what: str = "body") -> bytes | None:
    """The body's UTF-8 bytes (or a kept frame's: plans.page_frame, ``what="frame"``): from
    this process's copies, else from the shared cache."""
    body = local_bodies.get(key)
    if body is not None:
        logger.debug("plan %s local pid=%s key=%s", what, os.getpid(), key)
        return body
    body = _as_bytes(shared_cache.get(key))
    logger.debug("plan %s %s pid=%s key=%s", what, "hit" if body is not None else "miss", os.getpid(), key)
    if body is not None:
        local_bodies.put(key, body)
    return body


def _as_bytes(body: str | bytes | None) -> bytes | None:
    # Bodies are kept as UTF-8 bytes: the response is made of bytes, and pickling bytes
    # costs a copy where a str costs an encode.
    return body.encode() if isinstance(body, str) else body


# After a write, views arriving together would each render the new version (seconds on a
# busy machine, all at once). The first claims the render; the others wait for its body,
# at most RENDER_WAIT_SECONDS (then render themselves, so a lost claim costs only time).
RENDER_WAIT_SECONDS = 5.0
# Each waiter asks Redis whether the body is there (EXISTS, about 0.1 ms): every 10 ms,
# so a view that waited is answered at most 10 ms after the render ends, not 50.
RENDER_POLL_SECONDS = 0.01
CLAIM_PREFIX = "plan-body-rendering:"


def claim_render(key: str) -> bool:
    """True if this process should render ``key`` now (no one else is, or the cache is down)."""
    if not shared_cache.available():
        return True
    try:
        return bool(cache.add(CLAIM_PREFIX + key, os.getpid(), int(RENDER_WAIT_SECONDS * 4)))
    except Exception as error:  # any backend failure: render here
        shared_cache.failed(error)
        return True


def release_render(key: str) -> None:
    try:
        cache.delete(CLAIM_PREFIX + key)
    except Exception as error:
        shared_cache.failed(error)


def wait_for_render(key: str) -> bytes | None:
    """The body another process is rendering, once stored; None after RENDER_WAIT_SECONDS."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        if shared_cache.exists(key):
            body = _as_bytes(shared_cache.get(key))
            if body is not None:
                logger.debug("plan body waited pid=%s key=%s", os.getpid(), key)
                local_bodies.put(key, body)
                return body
        if not shared_cache.available():
            return None
    return None


def put(key: str, body: str | bytes) -> None:
    keep(key, body.encode() if isinstance(body, str) else body)
    _point_latest_at(key)
    logger.debug("plan body rendered pid=%s key=%s", os.getpid(), key)


def keep(key: str, data: bytes) -> None:
    """Keep bytes named by ``key`` (one version of one thing, never changed) in this
    process's copies and the shared cache."""
    local_bodies.put(key, data)
    shared_cache.put(key, data)


def _point_latest_at(key: str) -> None:
    """Remember ``key`` as its family's newest body, unless a newer version is already
    remembered. (Read, then write: two renders finishing together may leave the older one
    remembered until the next render, which only makes a stale body a version older.)"""
    latest, version = _latest_key(key)
    current = shared_cache.get(latest)
    if current is None or current[0] <= version:
        shared_cache.put(latest, (version, key))


def previous(key: str) -> bytes | None:
    """The newest stored body of ``key``'s family other than ``key`` itself: what the page
    showed before its latest change, while that change is being rendered."""
    latest, _ = _latest_key(key)
    found = shared_cache.get(latest)
    if found is None or found[1] == key:
        return None
    return get(found[1])


def viewed_lately(key: str) -> bool:
    """Someone has viewed a version of ``key``'s family lately (its pointer has not expired)."""
    latest, _ = _latest_key(key)
    return shared_cache.exists(latest)


# The worker's task that draws a plan's new version after a write (plans.tasks).
REDRAW_TASK = "plans.redraw_plan_page"


def redraw_after_commit(plan_pk: int) -> None:
    """Ask the worker to draw the plan's page once the write commits, so the next readers
    find it drawn rather than waiting for it (or being shown the version before). Nothing is
    sent with the shared cache down: the page is drawn by the next view as before."""
    if shared_cache.available():
        send_after_commit(REDRAW_TASK, [plan_pk])


def body_for(key: str, render: Callable[[], bytes], *, stale_ok: bool) -> bytes:
    """The body stored under ``key``, else rendered here and stored.

    After a write the first view claims the render of the new version; views arriving
    while it renders get the previous version at once when ``stale_ok`` (someone who only
    reads: the page as it was a moment ago, as if they had loaded it a moment earlier),
    else wait for the new one (someone who has written in this session must see their
    change). With the cache down every view renders for itself."""
    body = get(key)
    if body is not None:
        return body
    claimed = claim_render(key)
    if not claimed:
        body = previous(key) if stale_ok else None
        if body is not None:
            logger.debug("plan body previous pid=%s key=%s", os.getpid(), key)
            return body
        body = wait_for_render(key)  # another process is rendering this version
        if body is not None:
            return body
    try:
        body = render()
        put(key, body)
    finally:
        if claimed:
            release_render(key)
    return body


def clear() -> None:
    local_bodies.clear()
    shared_cache.clear_prefix(KEY_PREFIX)
    shared_cache.clear_prefix(CLAIM_PREFIX)
    shared_cache.clear_prefix(LATEST_PREFIX)
    shared_cache.clear_prefix("plan-frame:")
