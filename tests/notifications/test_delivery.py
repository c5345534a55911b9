"""Claim, send, record, in-process with Django's locmem mail backend."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail

from boards.emails import render_email
from notifications.delivery import SendFailedError, deliver
from notifications.models import ClaimStatus, Notification, ReminderKind, SentReminder
from notifications.selection import Batch, digests, overdue
from plans.models import Rag, Status
from tests.notifications.factories import action_on

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def two_overdue(people, frozen_today):
    return [
        action_on(
            people.board,
            responsible=people.member,
            due_date=frozen_today - (i + 1) * DAY,
            description=f"Audit section 11 returns, part {i + 1}",
        )
        for i in range(2)
    ]


def test_one_email_lists_all_the_recipients_actions(people, frozen_today, two_overdue):
    [batch] = overdue(frozen_today)

    assert deliver(batch, frozen_today).status == "sent"

    [message] = mail.outbox
    assert message.to == [people.member.email]
    assert people.board.short_name in message.subject and people.board.name in message.subject
    assert "2 overdue actions" in message.subject
    html = message.alternatives[0].content
    for action in two_overdue:
        link = f"https://planner.example.org/plans/actions/{action.pk}/"
        assert action.description in message.body and link in message.body
        assert action.description in html and f'href="{link}"' in html
    assert "1 day overdue" in message.body and "2 days overdue" in message.body
    assert "https://planner.example.org/notifications/preferences/" in message.body
    assert set(SentReminder.objects.values_list("action_id", "status", "attempts")) == {
        (two_overdue[0].pk, ClaimStatus.SENT, 1),
        (two_overdue[1].pk, ClaimStatus.SENT, 1),
    }
    assert Notification.objects.filter(user=people.member, kind=ReminderKind.OVERDUE).count() == 2


def test_email_shows_nothing_beyond_the_action_text(people, frozen_today, two_overdue):
    """No progress notes, names of others or plan internals: only the action, its due date and link."""
    from tests.factories import ProgressUpdateFactory

    ProgressUpdateFactory(action=two_overdue[0], text="Confidential: case of child X discussed")
    [batch] = overdue(frozen_today)
    deliver(batch, frozen_today)
    [message] = mail.outbox
    assert "child X" not in message.body and "child X" not in message.alternatives[0].content
    assert people.manager.get_full_name() not in message.body


def test_delivering_twice_sends_once(people, frozen_today, two_overdue):
    [batch] = overdue(frozen_today)
    assert deliver(batch, frozen_today).status == "sent"
    assert deliver(batch, frozen_today).status == "skipped"
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 2


def test_a_new_day_is_a_new_reminder(people, frozen_today, two_overdue):
    [batch] = overdue(frozen_today)
    deliver(batch, frozen_today)
    deliver(batch, frozen_today + DAY)
    assert len(mail.outbox) == 2


def test_an_smtp_failure_is_recorded_as_failed_then_retried(people, frozen_today, two_overdue):
    [batch] = overdue(frozen_today)
    with (
        mock.patch(
            "django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")
        ),
        pytest.raises(SendFailedError),
    ):
        deliver(batch, frozen_today)

    assert set(SentReminder.objects.values_list("status", "attempts", "sent_at")) == {
        (ClaimStatus.FAILED, 1, None)
    }
    assert SentReminder.objects.first().last_error == "gone"
    assert Notification.objects.count() == 0
    assert mail.outbox == []

    assert deliver(batch, frozen_today).status == "sent"
    assert len(mail.outbox) == 1
    assert set(SentReminder.objects.values_list("status", "attempts")) == {(ClaimStatus.SENT, 2)}


def test_a_refused_address_is_not_retried(people, frozen_today, two_overdue):
    [batch] = overdue(frozen_today)
    refused = smtplib.SMTPRecipientsRefused({people.member.email: (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert deliver(batch, frozen_today).status == "failed"
    assert set(SentReminder.objects.values_list("status", flat=True)) == {ClaimStatus.FAILED}


def test_an_action_completed_since_the_sweep_is_left_out(people, frozen_today, two_overdue):
    [batch] = overdue(frozen_today)
    two_overdue[0].status, two_overdue[0].rag = Status.COMPLETE, Rag.BLUE
    two_overdue[0].save()

    deliver(batch, frozen_today)

    [message] = mail.outbox
    assert two_overdue[0].description not in message.body
    assert two_overdue[1].description in message.body
    assert list(SentReminder.objects.values_list("action_id", flat=True)) == [two_overdue[1].pk]


def test_nothing_left_sends_nothing(people, frozen_today, two_overdue):
    [batch] = overdue(frozen_today)
    for action in two_overdue:
        action.status, action.rag = Status.COMPLETE, Rag.BLUE
        action.save()
    assert deliver(batch, frozen_today).status == "skipped"
    assert mail.outbox == [] and SentReminder.objects.count() == 0


def test_escalation_email_names_the_rung(people, frozen_today, two_overdue):
    batch = Batch(
        kind=ReminderKind.ESCALATION_CHAIR,
        recipient_id=people.executive.pk,
        board_id=people.board.pk,
        action_ids=(two_overdue[0].pk,),
    )
    deliver(batch, frozen_today)
    [message] = mail.outbox
    assert "independent chair" in message.subject
    assert "overdue for more than 56 days and are escalated to you as independent chair" in message.body
    assert "overdue for more than 56 days" in message.alternatives[0].content


def test_digest_is_one_email_per_manager_and_board(people, frozen_today, two_overdue):
    [batch] = digests(frozen_today)
    assert deliver(batch, frozen_today).status == "sent"
    assert deliver(batch, frozen_today).status == "skipped"

    [message] = mail.outbox
    assert message.to == [people.manager.email]
    assert "weekly digest" in message.subject and people.board.short_name in message.subject
    assert "Overdue actions: 2" in message.body
    assert "Overdue actions: 2" in message.alternatives[0].content
    reminder = SentReminder.objects.get()
    assert (reminder.kind, reminder.action_id, reminder.board_id) == (
        ReminderKind.DIGEST,
        None,
        people.board.pk,
    )
    note = Notification.objects.get(user=people.manager)
    assert note.text.startswith(f"Weekly digest for {people.board.short_name}: 2 overdue actions")


def test_due_soon_email_has_three_parts(people, frozen_today):
    action = action_on(people.board, responsible=people.member, due_date=frozen_today + 3 * DAY)
    subject, text, html = render_email(
        "notifications/email/reminder",
        {
            "board": people.board,
            "recipient": people.member,
            "kind": ReminderKind.DUE_SOON,
            "action_count": 1,
            "actions": [{"description": action.description, "timescale": action.timescale, "url": "u"}],
        },
    )
    assert subject == f"{people.board.short_name} ({people.board.name}): 1 action you lead due soon"
    assert "\n" not in subject
    assert action.description in text and action.description in html
    assert "<html" in html and "<html" not in text


def test_long_lists_are_cut_with_a_count_and_a_link(people, frozen_today, two_overdue, settings):
    settings.REMINDER_EMAIL_MAX_ACTIONS = 1
    [batch] = overdue(frozen_today)
    deliver(batch, frozen_today)

    [message] = mail.outbox
    assert "2 overdue actions" in message.subject
    assert message.body.count("https://planner.example.org/plans/actions/") == 1
    assert "… and 1 more: https://planner.example.org/notifications/" in message.body
    assert ">1 more</a>" in message.alternatives[0].content
    # Both are reminded (claimed and sent), and both are in the lead's in-app list.
    assert SentReminder.objects.filter(status=ClaimStatus.SENT).count() == 2
    assert Notification.objects.filter(user=people.member).count() == 2


def test_an_escalation_is_one_in_app_entry(people, frozen_today, two_overdue):
    batch = Batch(
        kind=ReminderKind.ESCALATION_MANAGER,
        recipient_id=people.manager.pk,
        board_id=people.board.pk,
        action_ids=tuple(a.pk for a in two_overdue),
    )
    deliver(batch, frozen_today)
    note = Notification.objects.get(user=people.manager)
    assert (
        note.text == f"Escalation to the board's managers ({people.board.short_name}): 2 actions long overdue"
    )
    assert note.link == people.board.get_absolute_url()


def test_a_recipient_without_an_email_address_still_gets_the_in_app_entries(
    people, frozen_today, two_overdue
):
    people.member.email = ""
    people.member.save()
    [batch] = overdue(frozen_today)
    assert deliver(batch, frozen_today).status == "in_app_only"
    assert deliver(batch, frozen_today).status == "skipped"
    assert mail.outbox == []
    assert set(SentReminder.objects.values_list("status", "last_error")) == {
        (ClaimStatus.SENT, "No e-mail address: shown in the app only")
    }
    assert Notification.objects.filter(user=people.member).count() == 2


def test_digest_lists_the_boards_review_recommendations_that_no_action_answers(people, frozen_today):
    from reviews.models import Recommendation
    from tests.reviews.factories import RecommendationActionFactory, RecommendationFactory, ReviewFactory

    review = ReviewFactory(partnership=people.board.partnership, title="LGA peer review 2014")
    RecommendationFactory(
        review=review, number=1, owner_board=people.board, text="Strengthen the MASH front door"
    )
    answered = RecommendationFactory(review=review, number=2, owner_board=people.board, text="Answered one")
    RecommendationActionFactory(
        recommendation=answered,
        action=action_on(people.board, due_date=frozen_today + datetime.timedelta(days=60)),
    )
    RecommendationFactory(
        review=review,
        number=3,
        owner_board=people.board,
        text="Declined one",
        response=Recommendation.Response.NOT_ACCEPTED,
    )
    RecommendationFactory(review=review, number=4, owner_board=people.other_board, text="Other board's")

    [batch] = [b for b in digests(frozen_today) if b.recipient_id == people.manager.pk]
    assert deliver(batch, frozen_today).status == "sent"
    [message] = mail.outbox
    assert "Review recommendations with no action: 1" in message.body
    assert "LGA peer review 2014, recommendation 1: Strengthen the MASH front door" in message.body
    assert "Strengthen the MASH front door" in message.alternatives[0].content
    for left_out in ("Answered one", "Declined one", "Other board's"):
        assert left_out not in message.body
