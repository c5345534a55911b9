import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

app = Celery("safeguarding")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Task durations and failures for /metrics (connects Celery's task signals).
# The request id into tasks' messages and log lines, and Django's logging in the worker.
from . import logging as _logging  # noqa: E402, F401
from . import metrics  # noqa: E402, F401


@app.task(name="safeguarding.ping")
def ping() -> str:
    """Answer 'pong': lets tests and health checks prove a worker is consuming."""
    return "pong"
