"""Case-review clock reminders: due soon, breached and escalated, each exactly once per
clock and due date, with frozen time across weekends and bank holidays."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from boards.models import Role
from notifications import selection
from notifications.models import ClaimStatus, Notification, ReminderKind, SentClockReminder
from notifications.tasks import send_now
from reviews.models import ReviewReport
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.reviews.factories import CaseReviewFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 7, 15), tick=False)


def sweep() -> list[str]:
    return send_now("clocks", timezone.localdate())


@pytest.fixture
def chaired(people):
    people.board.independent_chair = UserFactory(username="independent-chair")
    people.board.save()
    MembershipFactory(user=people.board.independent_chair, board=people.board, role=Role.CHAIR)
    return people


def test_a_notification_clock_over_christmas_reminds_once_then_breaches_once(chaired, people):
    # Aware Friday 18 December 2026: due Tuesday 29 December (Christmas Day, the weekend and
    # Boxing Day observed on Monday 28th are not working days). Warned 2 working days before.
    review = CaseReviewFactory(
        partnership=people.board.partnership, title="Child A", became_aware=D(2026, 12, 18)
    )
    ReviewReport.objects.create(review=review, board=people.board)
    sent_each_day = {}
    for day in [D(2026, 12, 21) + datetime.timedelta(days=n) for n in range(14)]:
        mail.outbox.clear()
        with on(day):
            sweep()
        sent_each_day[day] = sorted((m.to[0], m.subject) for m in mail.outbox)
    manager, chair = people.manager.email, people.board.independent_chair.email
    due_soon = [day for day, sent in sent_each_day.items() if any("due soon" in s for _, s in sent)]
    breached = [day for day, sent in sent_each_day.items() if any("breached" in s for _, s in sent)]
    # 23 December is 2 working days before the 29th (24th, 29th): the first day within warning.
    assert due_soon == [D(2026, 12, 23)]
    assert sent_each_day[D(2026, 12, 23)] == [
        (manager, f"{people.board.short_name} ({people.board.name}): 1 review clock due soon")
    ]
    # Breached on Wednesday 30 December, told once: the manager, and the chair as escalation.
    assert breached == [D(2026, 12, 30)]
    assert [to for to, _ in sent_each_day[D(2026, 12, 30)]] == sorted([manager, chair])
    assert all(
        not sent for day, sent in sent_each_day.items() if day not in (D(2026, 12, 23), D(2026, 12, 30))
    )
    kinds = sorted(SentClockReminder.objects.values_list("kind", "recipient__username", "status"))
    assert kinds == [
        (ReminderKind.CLOCK_BREACHED, "manager-user", ClaimStatus.SENT),
        (ReminderKind.CLOCK_DUE_SOON, "manager-user", ClaimStatus.SENT),
        (ReminderKind.CLOCK_ESCALATION, "independent-chair", ClaimStatus.SENT),
    ]
    # The in-app list has the same two, linking to the review's clocks.
    texts = sorted(Notification.objects.filter(user=people.manager).values_list("text", "link"))
    assert texts == [
        (
            f"Review clock breached ({people.board.short_name}): Child A, notification to the national panel due 29 December 2026",
            f"/reviews/{review.pk}/#clocks",
        ),
        (
            f"Review clock due soon ({people.board.short_name}): Child A, notification to the national panel due 29 December 2026",
            f"/reviews/{review.pk}/#clocks",
        ),
    ]


def test_the_breach_email_bodies(chaired, people):
    review = CaseReviewFactory(
        partnership=people.board.partnership, title="Child B", became_aware=D(2027, 4, 28)
    )
    with on(D(2027, 5, 7)):  # due Thursday 6 May (3 May is the early May bank holiday)
        sweep()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    message = by_recipient[people.manager.email]
    assert "Child B: Notification to the national panel" in message.body
    assert "Due: 6 May 2027 (1 working day overdue)" in message.body
    html = message.alternatives[0][0]
    assert "Child B</a>: Notification to the national panel" in html and "6 May 2027" in html
    assert "escalated to you as independent chair" in by_recipient[people.board.independent_chair.email].body
    assert f"/reviews/{review.pk}/#clocks" in message.body


def test_a_rapid_review_clock_across_easter_reminds_on_the_right_days(people):
    # Notified Wednesday 24 March 2027: due Friday 16 April (Good Friday and Easter Monday skipped);
    # warned 5 working days before: Friday 9 April; breached the day after the due date, a Saturday
    # (the sweep runs every day: a breach is news whatever the day).
    CaseReviewFactory(
        partnership=people.board.partnership,
        title="Child C",
        became_aware=D(2027, 3, 22),
        notified=D(2027, 3, 24),
    )
    days = {}
    for n in range(30):
        day = D(2027, 3, 25) + datetime.timedelta(days=n)
        mail.outbox.clear()
        with on(day):
            sweep()
        if mail.outbox:
            days[day] = [m.subject.split(": ", 1)[1] for m in mail.outbox]
    assert days == {D(2027, 4, 9): ["1 review clock due soon"], D(2027, 4, 17): ["1 review clock breached"]}


def test_a_clock_stopped_after_the_sweep_selected_it_is_not_sent(people):
    review = CaseReviewFactory(partnership=people.board.partnership, became_aware=D(2026, 12, 18))
    with on(D(2026, 12, 30)):
        batches = selection.clock_reminders(timezone.localdate())
        assert len(batches) == 1
        review.notified = D(2026, 12, 30)
        review.save()
        from notifications.clock_delivery import deliver_clocks

        assert deliver_clocks(batches[0], timezone.localdate()).status == "skipped"
    assert not SentClockReminder.objects.exists() and mail.outbox == []


def test_a_corrected_start_date_gives_a_new_due_date_and_a_new_reminder(people):
    review = CaseReviewFactory(partnership=people.board.partnership, became_aware=D(2026, 11, 2))
    with on(D(2026, 11, 10)):
        assert sweep() == ["sent"]
        assert sweep() == []
    review.became_aware = D(2026, 11, 3)
    review.save()
    with on(D(2026, 11, 11)):
        assert sweep() == ["sent"]
    assert sorted(SentClockReminder.objects.values_list("due", flat=True)) == [
        D(2026, 11, 9),
        D(2026, 11, 10),
    ]


def test_who_is_told(people):
    partnership = people.board.partnership
    other = BoardFactory(partnership=partnership)
    other_manager = UserFactory(username="other-manager")
    MembershipFactory(user=other_manager, board=other, role=Role.MANAGER)
    # Also manages the first board: hears once, not once per board.
    MembershipFactory(user=people.manager, board=other, role=Role.MANAGER)
    reported = CaseReviewFactory(partnership=partnership, title="Reported", became_aware=D(2026, 11, 2))
    ReviewReport.objects.create(review=reported, board=other)
    CaseReviewFactory(partnership=partnership, title="Unreported", became_aware=D(2026, 11, 2))
    CaseReviewFactory(title="Another partnership", became_aware=D(2026, 11, 2))
    with on(D(2026, 11, 20)):
        batches = selection.clock_reminders(timezone.localdate())
    told = sorted(
        (batch.recipient_id, batch.board_id, len(batch.clocks))
        for batch in batches
        if batch.kind == ReminderKind.CLOCK_BREACHED
    )
    # The reported review goes to the other board's managers; the unreported one to every
    # board's managers, each person once.
    assert told == sorted(
        [
            (people.manager.pk, people.board.pk, 1),
            (people.manager.pk, other.pk, 1),
            (other_manager.pk, other.pk, 2),
        ]
    ) or told == sorted([(people.manager.pk, other.pk, 2), (other_manager.pk, other.pk, 2)])
    clocks_told = {}
    for batch in batches:
        for item in batch.clocks:
            clocks_told.setdefault(batch.recipient_id, []).append(item[0])
    assert sorted(clocks_told[people.manager.pk]) == sorted(set(clocks_told[people.manager.pk]))
    assert len(clocks_told[people.manager.pk]) == 2 and len(clocks_told[other_manager.pk]) == 2
    assert people.outsider.pk not in clocks_told


def test_the_clocks_job_reads_in_a_fixed_number_of_queries(people, django_assert_num_queries):
    """Reviews (with their reports), boards, memberships and sent reminders once each, not
    once per review or clock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for i in range(n):
            CaseReviewFactory(partnership=people.board.partnership, became_aware=D(2026, 11, 2 + i % 5))

    make(2)
    with on(D(2026, 11, 30)):
        with CaptureQueriesContext(connection) as few:
            assert selection.clock_reminders(timezone.localdate())
        make(20)
        with django_assert_num_queries(len(few.captured_queries)):
            batches = selection.clock_reminders(timezone.localdate())
    assert sum(len(batch.clocks) for batch in batches) == 22
    assert len(few.captured_queries) <= 5
