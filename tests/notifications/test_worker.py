"""A real Celery worker process on the local Redis, a real SMTP server (aiosmtpd) in
this process: e-mails arrive with the right recipients and actions, exactly once."""

from __future__ import annotations

import os
import signal
import time

import pytest
from celery.result import AsyncResult
from django.utils import timezone

from notifications.models import ClaimStatus, SentReminder
from notifications.tasks import run_job
from tests.notifications.worker_helpers import run

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_emails_arrive_once_with_the_right_recipients_and_actions(worker, mailbox, leads):
    assert sorted(run()) == ["sent", "sent", "sent"]
    # The same job again (a second beat, a re-run by hand): nothing more is sent.
    assert sorted(run()) == ["skipped", "skipped", "skipped"]

    assert mailbox.to() == sorted(leads)
    for address, actions in leads.items():
        body = mailbox.body_for(address)
        assert len(actions) == body.count("https://planner.example.org/plans/actions/")
        for action in actions:
            assert action.description in body
            assert f"https://planner.example.org{action.get_absolute_url()}" in body
    assert set(SentReminder.objects.values_list("status", flat=True)) == {ClaimStatus.SENT}


def test_two_fan_outs_at_once_still_deliver_once(worker, mailbox, leads):
    day = timezone.localdate().isoformat()
    first, second = run_job.delay("overdue", day), run_job.delay("overdue", day)
    task_ids = first.get(timeout=30) + second.get(timeout=30)
    outcomes = sorted(AsyncResult(task_id).get(timeout=60) for task_id in task_ids)
    assert outcomes.count("sent") == 3
    assert mailbox.to() == sorted(leads)


def test_a_temporary_smtp_failure_is_retried_and_sent_once(worker, mailbox, leads):
    mailbox.refuse = 1
    assert sorted(run()) == ["sent", "sent", "sent"]
    assert mailbox.to() == sorted(leads)
    # One recipient's first attempt was refused and retried after a second's back-off.
    retried = SentReminder.objects.filter(attempts=2).values_list("recipient", flat=True).distinct()
    assert len(retried) == 1
    assert not SentReminder.objects.exclude(recipient=retried[0]).exclude(attempts=1).exists()


def test_a_worker_child_killed_mid_send_is_redelivered_and_sends_once(worker, mailbox, leads):
    """acks_late with task_reject_on_worker_lost: the message of a task whose process died
    goes back to Redis, the worker runs it again, and the claims the dead process had
    locked are released with its database connection."""
    from safeguarding.celery import app

    mailbox.hold.set()
    run_job.delay("overdue", timezone.localdate().isoformat()).get(timeout=30)
    assert mailbox.held.wait(timeout=30)
    pids = []
    for _ in range(5):  # a busy machine may answer an inspect late
        active = app.control.inspect(timeout=3).active() or {}
        pids = [
            t["worker_pid"]
            for tasks in active.values()
            for t in tasks
            if t["name"] == "notifications.deliver_reminder"
        ]
        if pids:
            break
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    mailbox.hold.clear()

    deadline = time.monotonic() + 45
    while len(mailbox.messages) < len(leads) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # anything sent twice would arrive now
    assert mailbox.to() == sorted(leads)
    assert set(SentReminder.objects.values_list("status", flat=True)) == {ClaimStatus.SENT}
