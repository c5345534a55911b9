"""Hand work to the Celery worker without ever making a web request depend on Redis.

The database row of a job (a pack, an import) is the record that the work is wanted
(a transactional outbox): it commits first, and the message to the worker is sent
after commit. When Redis is unreachable the send fails quietly, the row stays queued
and unsent, and the owning app's sweep (a beat task every minute) sends it again once
Redis is back. Nothing is lost and the user's request goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis.exceptions
from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerUnavailable, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def send_now(task_name: str, args: list, on_sent: Callable[[], None] | None = None, **options) -> bool:
    """Send the task by name (``options`` as for send_task, e.g. task_id); True if the
    broker took it. By name, so the sender need not import the task's module (which
    usually imports the sender)."""
    try:
        # ignore_result: nobody waits on these results, and with Redis down the result
        # backend's subscription would retry for 20 s inside the request.
        current_app.send_task(task_name, args=args, ignore_result=True, **options)
    except BROKER_ERRORS as exc:
        logger.warning("broker unreachable, %s%s left for the sweep: %s", task_name, args, exc)
        return False
    if on_sent is not None:
        on_sent()
    return True


def send_after_commit(
    task_name: str, args: list, on_sent: Callable[[], None] | None = None, **options
) -> None:
    """Send the task once the current transaction commits (see send_now)."""
    transaction.on_commit(lambda: send_now(task_name, args, on_sent, **options))
