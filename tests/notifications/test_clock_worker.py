"""Clock reminders through the real Celery worker and SMTP server: sent once, whatever
how many times the job runs."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import ClaimStatus, SentClockReminder
from tests.notifications.worker_helpers import run
from tests.reviews.factories import CaseReviewFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_breached_clock_is_emailed_once_by_the_worker(worker, mailbox, people):
    today = timezone.localdate()
    review = CaseReviewFactory(
        partnership=people.board.partnership,
        title="Child W",
        became_aware=today - datetime.timedelta(days=20),
    )
    assert run("clocks") == ["sent"]
    assert run("clocks") == []  # already sent: not even selected again
    assert mailbox.to() == [people.manager.email]
    body = mailbox.body_for(people.manager.email)
    assert "Child W: Notification to the national panel" in body
    assert f"https://planner.example.org/reviews/{review.pk}/#clocks" in body
    assert list(SentClockReminder.objects.values_list("status", flat=True)) == [ClaimStatus.SENT]
