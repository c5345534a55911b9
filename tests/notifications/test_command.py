import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification, SentReminder
from tests.notifications.factories import action_on

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def overdue_action(people, frozen_today):
    return action_on(people.board, responsible=people.member, due_date=frozen_today - DAY)


def send_reminders(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_lists_who_would_get_what_and_sends_nothing(people, overdue_action):
    output = send_reminders("--dry-run")

    assert "overdue: 1 e-mail(s) would be sent" in output
    assert (
        f"overdue → {people.member.username} <{people.member.email}> [SSCB] 1 action(s): #{overdue_action.pk}"
        in output
    )
    assert "digest → manager-user" in output
    assert SentReminder.objects.count() == 0 and Notification.objects.count() == 0
    assert mail.outbox == []


def test_running_a_job_sends_once(people, overdue_action):
    assert "overdue: 1 e-mail(s) sent" in send_reminders("--job", "overdue")
    assert "overdue: 0 e-mail(s) sent, 1 already sent" in send_reminders("--job", "overdue")
    assert [m.to for m in mail.outbox] == [[people.member.email]]


def test_all_jobs(people, overdue_action):
    output = send_reminders("--job", "all")
    for job in ("overdue", "due_soon", "escalation", "digest"):
        assert f"{job}: " in output
    assert sorted(m.to[0] for m in mail.outbox) == [people.manager.email, people.member.email]


def test_a_bad_date_is_a_clear_error(people):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        send_reminders("--date", "tomorrow")


def test_a_failed_email_does_not_undo_the_ones_already_sent(people, overdue_action, frozen_today):
    """By hand, each e-mail's claims commit on their own: a failure halfway leaves earlier
    e-mails recorded as sent, and the failed one is sent by the next run."""
    import smtplib
    from unittest import mock

    from django.core.mail import EmailMultiAlternatives

    from notifications.models import ClaimStatus

    action_on(people.board, responsible=people.chair, due_date=frozen_today - DAY)
    real_send = EmailMultiAlternatives.send
    calls = []

    def fail_second(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(EmailMultiAlternatives, "send", fail_second):
        assert (
            "overdue: 1 e-mail(s) sent, 0 already sent or nothing left to send, 1 failed."
            in send_reminders("--job", "overdue")
        )
    assert sorted(SentReminder.objects.values_list("status", flat=True)) == [
        ClaimStatus.FAILED,
        ClaimStatus.SENT,
    ]

    assert "overdue: 1 e-mail(s) sent, 1 already sent" in send_reminders("--job", "overdue")
    assert len(mail.outbox) == 2


def test_queue_hands_one_task_per_email_to_the_worker_with_ids_only(people, overdue_action, frozen_today):
    from unittest import mock

    with mock.patch("notifications.tasks.deliver_reminder.delay") as delay:
        delay.return_value.id = "task-1"
        assert "overdue: 1 e-mail(s) queued for the worker." in send_reminders("--job", "overdue", "--queue")
    delay.assert_called_once_with(
        "overdue", people.member.pk, people.board.pk, frozen_today.isoformat(), [overdue_action.pk], {}
    )
    assert SentReminder.objects.count() == 0 and mail.outbox == []


def test_catch_up_on_a_monday_runs_every_job_including_the_digest(people, overdue_action, frozen_today):
    """What a freshly started beat runs (Procfile): frozen_today is a Monday, the digest's day."""
    output = send_reminders("--catch-up")
    for job in ("overdue", "due_soon", "escalation", "digest"):
        assert f"{job}: " in output
    assert Notification.objects.filter(user=people.member, kind="overdue").count() == 1


def test_catch_up_on_another_day_leaves_the_weekly_digest_to_its_day(people, overdue_action, frozen_today):
    output = send_reminders("--catch-up", "--date", (frozen_today + DAY).isoformat())
    assert "overdue: 1 e-mail(s) sent" in output and "digest: " not in output


def test_catch_up_then_the_scheduled_run_the_same_day_sends_nothing_twice(people, overdue_action):
    send_reminders("--catch-up")
    assert "overdue: 0 e-mail(s) sent, 1 already sent" in send_reminders("--job", "overdue")
    assert [m.to for m in mail.outbox if people.member.email in m.to] == [[people.member.email]]
