"""Kill a real Celery worker mid-job (SIGKILL, as when a machine dies), start a new
one and run the job again: each e-mail is delivered exactly once in total."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import ClaimStatus, SentReminder
from notifications.tasks import run_job
from tests.celery_worker import running_worker
from tests.notifications.worker_helpers import run

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _wait_for_dead_transactions() -> None:
    """PostgreSQL ends a killed client's transaction (and its row locks) when it sees the
    socket close; wait until it has, so the next run does not race it."""
    deadline = time.monotonic() + 20
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
    raise AssertionError("a killed worker's transaction is still open")


def test_killing_the_worker_mid_job_then_running_again_delivers_each_email_once(mailbox, leads):
    mailbox.hold.set()
    with running_worker(extra_env=mailbox.env) as worker:
        task_ids = run_job.delay("overdue", timezone.localdate().isoformat()).get(timeout=30)
        assert len(task_ids) == 3
        # The first e-mail is mid-send (its claims locked, SMTP at RCPT): kill everything.
        assert mailbox.held.wait(timeout=30)
        for pid in _children(worker.pid):
            os.kill(pid, signal.SIGKILL)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    assert mailbox.messages == []
    assert SentReminder.objects.filter(status=ClaimStatus.CLAIMED).exists()
    _wait_for_dead_transactions()
    mailbox.hold.clear()

    # A new worker (its broker state is gone, as after losing the machine) and the job again.
    with running_worker(extra_env=mailbox.env):
        assert sorted(run()) == ["sent", "sent", "sent"]
        assert sorted(run()) == ["skipped", "skipped", "skipped"]

    assert mailbox.to() == sorted(leads)
    assert set(SentReminder.objects.values_list("status", flat=True)) == {ClaimStatus.SENT}
