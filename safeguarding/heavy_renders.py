"""Heavy renders (plan exports, framework and board-report PDFs) never run unbounded in a
web worker (issue 15 point 1).

Each file a web request would build goes through ``serve_file``:

1. **Cached by what it is built from.** When the caller can name the data the file is
   made from (a plan export: the plan's ``content_version``; a PDF: a digest of the HTML
   it is drawn from, its stylesheet and WeasyPrint's version, ``pdf_key``), the file is
   kept in the shared cache (Redis, ``safeguarding.shared_cache``) and every later
   request, on any web process or host, is served from there without rendering.
2. **Rate-limited per user.** A render that is not cached counts against the user's
   ``HEAVY_RENDER_RATE`` (django-ratelimit, counted in Redis so every process shares it);
   past it the answer is 429 with ``Retry-After``. Cached files do not count.
3. **A bounded number at once.** At most ``HEAVY_RENDER_SLOTS`` uncached renders run at
   a time across the web processes of one host (``HEAVY_RENDER_HOST``; a slot is a key taken with
   ``cache.add``, so it frees itself after ``HEAVY_RENDER_SLOT_SECONDS`` even if a
   worker dies); other requests get 503 with ``Retry-After`` at once, instead of
   queueing behind the render and taking every web worker with them. The same file
   asked for twice at once is made once: the second request is told it is being made.

Separately, the views that serve these files take **a turn** (``heavy_endpoint``): at most
``HEAVY_REQUESTS_PER_PROCESS`` of them are served at once in a web process, cached or not,
and up to ``HEAVY_REQUESTS_WAITING`` more wait for a turn (blocked on a lock, so they use
no CPU and leave Python's interpreter lock to the pages being served) for at most
``HEAVY_REQUEST_WAIT_SECONDS``; beyond that, 503 with Retry-After. With threaded workers
every request in a process shares one interpreter: eight clients looping on files would
otherwise each take a share of it from the plan page and /healthz/ (bench/load.py).

Renders too large for a web request (plan exports of big plans) go to the Celery worker
instead: see ``plans.transfer.export_jobs``.

With Redis down the cache, the counts and the slots cannot be shared: renders then run
in the request as before, one at a time in each web process (a lock of the process, which
also holds with Redis up), and nothing fails because of it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from . import shared_cache

logger = logging.getLogger(__name__)

CACHE_PREFIX = "heavy-render:"
SLOT_PREFIX = "heavy-render-slot:"
BUSY_PREFIX = "heavy-render-busy:"


class RenderRefusedError(Exception):
    """The render cannot run now: ``status`` 429 (this user asked too often) or 503 (busy)."""

    def __init__(self, status: int, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def too_many_for_user(request: HttpRequest, kind: str) -> bool:
    """Count one more uncached render of ``kind`` by this user; True past HEAVY_RENDER_RATE."""
    if not shared_cache.available():
        return False
    try:
        return is_ratelimited(
            request, group=f"heavy-render-{kind}", key="user", rate=settings.HEAVY_RENDER_RATE, increment=True
        )
    except Exception as error:  # Redis down: a limit that cannot be counted does not refuse
        shared_cache.failed(error)
        return False


# One render at a time in a web process, whatever else holds: with threaded workers
# (gunicorn.conf.py) this keeps the bound a sync worker gave for free, also while Redis is
# down and the shared slots cannot be counted, and keeps WeasyPrint to one thread a process.
_process_render = threading.Lock()


class _Turns:
    """The heavy-endpoint turns of this process (a semaphore and a count of who waits)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._semaphore: threading.BoundedSemaphore | None = None
        self._size = 0
        self.waiting = 0

    def semaphore(self) -> threading.BoundedSemaphore:
        size = settings.HEAVY_REQUESTS_PER_PROCESS
        with self._lock:
            if self._semaphore is None or self._size != size:  # settings changed (tests)
                self._semaphore, self._size = threading.BoundedSemaphore(size), size
            return self._semaphore


_turns = _Turns()


@contextmanager
def request_turn() -> Iterator[None]:
    """Hold one of this process's HEAVY_REQUESTS_PER_PROCESS turns while serving a heavy
    file; wait for one (at most HEAVY_REQUEST_WAIT_SECONDS, with at most
    HEAVY_REQUESTS_WAITING others) or raise RenderRefusedError(503)."""
    semaphore = _turns.semaphore()
    if not semaphore.acquire(blocking=False):
        with _turns._lock:
            if _turns.waiting >= settings.HEAVY_REQUESTS_WAITING:
                raise RenderRefusedError(503, "Many large files are being downloaded just now.", 5)
            _turns.waiting += 1
        try:
            acquired = semaphore.acquire(timeout=settings.HEAVY_REQUEST_WAIT_SECONDS)
        finally:
            with _turns._lock:
                _turns.waiting -= 1
        if not acquired:
            raise RenderRefusedError(503, "Many large files are being downloaded just now.", 5)
    try:
        yield
    finally:
        semaphore.release()


def heavy_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view serving a heavy file, served in turn (``request_turn``): a 503 page when no
    turn comes."""

    @functools.wraps(view)
    def in_turn(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            with request_turn():
                return view(request, *args, **kwargs)
        except RenderRefusedError as error:
            return refused_response(request, error)

    return in_turn


@contextmanager
def render_slot(name: str) -> Iterator[None]:
    """Hold this process's render lock and one of the HEAVY_RENDER_SLOTS shared slots while
    rendering ``name`` (a file's cache key), or raise RenderRefusedError(503) at once when
    either is taken or the same file is already being made."""
    if not _process_render.acquire(blocking=False):
        raise RenderRefusedError(503, "Other large files are being made just now.", 5)
    try:
        with _shared_slot(name):
            yield
    finally:
        _process_render.release()


@contextmanager
def _shared_slot(name: str) -> Iterator[None]:
    if not shared_cache.available():
        yield
        return
    timeout = settings.HEAVY_RENDER_SLOT_SECONDS
    held: list[str] = []
    try:
        busy = f"{BUSY_PREFIX}{name}"
        if not cache.add(busy, 1, timeout):
            raise RenderRefusedError(503, "This file is being made for someone else just now.", 3)
        held.append(busy)
        for number in range(settings.HEAVY_RENDER_SLOTS):
            slot = f"{SLOT_PREFIX}{settings.HEAVY_RENDER_HOST}:{number}"
            if cache.add(slot, name, timeout):
                held.append(slot)
                break
        else:
            raise RenderRefusedError(503, "Other large files are being made just now.", 5)
    except RenderRefusedError:
        cache.delete_many(held)
        raise
    except Exception as error:  # Redis went away: render as if there were no slots
        shared_cache.failed(error)
        held = []
    try:
        yield
    finally:
        if held:
            try:
                cache.delete_many(held)
            except Exception as error:
                shared_cache.failed(error)


def build_bounded(request: HttpRequest, kind: str, key: str | None, build: Callable[[], bytes]) -> bytes:
    """The file: from the cache when ``key`` names it there, else built here under the
    user's rate limit and a shared slot (and kept under ``key``). Raises RenderRefusedError."""
    cache_key = f"{CACHE_PREFIX}{key}" if key else None
    if cache_key is not None:
        cached = shared_cache.get(cache_key)
        if cached is not None:
            return cached
    if too_many_for_user(request, kind):
        raise RenderRefusedError(
            429, "You have asked for a lot of files in the last few minutes. Wait a minute and try again.", 60
        )
    with render_slot(key or f"{kind}:{request.user.pk}:{request.path}"):
        data = build()
    if cache_key is not None:
        shared_cache.put(cache_key, data)
    return data


@functools.cache
def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def pdf_key(kind: str, html: str, *sources: str | Path) -> str:
    """A cache key naming a PDF by everything it is drawn from: the HTML (which holds all
    the data, so any change to what the PDF shows changes the key), the files it is made
    with (``sources``: its stylesheet, the module that draws it) and WeasyPrint's version.
    Making the HTML is a template render, milliseconds; drawing it is the second or more
    that the cache saves."""
    digest = hashlib.sha256(html.encode("utf-8"))
    digest.update(importlib.metadata.version("weasyprint").encode())
    for source in sources:
        digest.update(_file_digest(str(source)).encode())
    return f"{kind}:{digest.hexdigest()}"


def cached_file(key: str) -> bytes | None:
    return shared_cache.get(f"{CACHE_PREFIX}{key}")


def has_file(key: str) -> bool:
    return shared_cache.exists(f"{CACHE_PREFIX}{key}")


def keep_file(key: str, data: bytes) -> None:
    shared_cache.put(f"{CACHE_PREFIX}{key}", data)


def cached_text(key: str) -> str | None:
    """Like cached_file, for a drawing kept as text (an SVG)."""
    text = shared_cache.get(f"{CACHE_PREFIX}{key}")
    return text if isinstance(text, str) else None


def keep_text(key: str, text: str) -> None:
    shared_cache.put(f"{CACHE_PREFIX}{key}", text)


def refused_response(request: HttpRequest, error: RenderRefusedError) -> HttpResponse:
    response = render(
        request,
        "heavy_render_refused.html",
        {"message": error.message, "retry_after": error.retry_after, "again_url": request.get_full_path()},
        status=error.status,
    )
    response["Retry-After"] = str(error.retry_after)
    return response


def serve_file(
    request: HttpRequest,
    *,
    kind: str,
    key: str | None,
    build: Callable[[], bytes],
    content_type: str,
    disposition: str,
) -> HttpResponse:
    """A heavy file as a response, bounded as the module says (429/503 page when refused)."""
    try:
        data = build_bounded(request, kind, key, build)
    except RenderRefusedError as error:
        return refused_response(request, error)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response
