"""Log formats, and the request id that ties a request's log lines to the Celery tasks it starts.

- ``UTCFormatter``: one line of text in UTC (``make run``, tests: LOG_FORMAT=text).
- ``JsonFormatter``: one JSON object a line (production: LOG_FORMAT=json, the default
  when DEBUG is off) with time (UTC), level, logger, message, request_id, and task and
  task_id inside a Celery task. python-json-logger does the JSON.
- ``RequestIdMiddleware`` gives each request an id: the caller's ``X-Request-ID`` when it
  is a plain token (a proxy or load balancer's), else a new UUID; it is echoed in the
  response's ``X-Request-ID``.
- Celery: a task sent while handling a request carries the id in its message headers
  (``before_task_publish``) and the worker sets it again for the task's own log lines
  (``task_prerun``), so one id follows a pack or an import from the click to the PDF.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from celery import signals
from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
HEADER = "X-Request-ID"
# An incoming id is kept only if it is a short plain token: it ends up in every log line.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class UTCFormatter(logging.Formatter):
    """Log timestamps in UTC with an explicit zone, as the security checklist asks."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))


class JsonFormatter(_JsonFormatter):
    """{"time": …Z, "level", "logger", "message", "request_id", and "task", "task_id" in a task}."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger", "asctime": "time"})
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"

    def add_fields(self, log_record: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["request_id"] = getattr(record, "request_id", None) or request_id.get()
        task = _current_task()
        if task is not None:
            log_record["task"] = task.name
            log_record["task_id"] = task.request.id


def _current_task():
    from celery import current_task

    return current_task if current_task and getattr(current_task.request, "id", None) else None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request or task), for text formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = rid
        return response


@signals.before_task_publish.connect
def _send_request_id(headers: dict | None = None, **_) -> None:
    rid = request_id.get()
    if rid and headers is not None:
        headers.setdefault("request_id", rid)


_task_tokens: dict[str, contextvars.Token] = {}


@signals.task_prerun.connect
def _receive_request_id(task_id: str | None = None, task=None, **_) -> None:
    rid = getattr(task.request, "request_id", None) if task is not None else None
    if task_id:
        _task_tokens[task_id] = request_id.set(rid)


@signals.task_postrun.connect
def _forget_request_id(task_id: str | None = None, **_) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        request_id.reset(token)


@signals.setup_logging.connect
def _use_django_logging(**_) -> None:
    """Celery's worker logs through Django's LOGGING (same format, JSON in production)
    instead of installing its own handlers: connecting this signal is how Celery is told."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
