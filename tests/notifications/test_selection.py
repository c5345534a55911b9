"""The selection rules of each job, on a frozen date (Monday 23 November 2026)."""

import datetime

import pytest
import time_machine

from boards.models import Membership, Role
from notifications import selection
from notifications.models import ClaimStatus, ReminderKind
from plans.due_dates import change_due_date
from plans.models import BusinessPlan, Status
from tests.factories import MembershipFactory, ProgressUpdateFactory, SubCommitteeFactory, UserFactory
from tests.notifications.factories import NotificationPreferenceFactory, SentReminderFactory, action_on

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def recipients(batches, kind=None):
    return {(b.recipient_id, b.board_id, b.action_ids) for b in batches if kind is None or b.kind == kind}


# --- overdue -----------------------------------------------------------------


def test_overdue_goes_to_the_responsible_person_in_one_batch_per_board(people, frozen_today):
    first = action_on(people.board, responsible=people.member, due_date=frozen_today - DAY)
    second = action_on(people.board, responsible=people.member, due_date=frozen_today - 40 * DAY)
    action_on(people.board, responsible=people.member, due_date=frozen_today)  # due today: not overdue
    action_on(people.board, responsible=people.member, due_date=None)
    action_on(people.board, responsible=people.member, due_date=frozen_today - DAY, status=Status.COMPLETE)

    batches = selection.overdue(frozen_today)

    assert recipients(batches) == {(people.member.pk, people.board.pk, tuple(sorted([first.pk, second.pk])))}
    assert batches[0].kind == ReminderKind.OVERDUE


def test_overdue_without_a_named_person_goes_to_the_lead_sub_committee_chair(people, frozen_today):
    committee = SubCommitteeFactory(board=people.board, chair=people.chair)
    action = action_on(people.board, lead_sub_committee=committee, due_date=frozen_today - DAY)

    assert recipients(selection.overdue(frozen_today)) == {(people.chair.pk, people.board.pk, (action.pk,))}


def test_leaving_the_board_stops_reminders(people, frozen_today):
    """The responsible person left: the sub-committee chair is reminded instead; once the chair
    has left too, nobody on another board hears about it."""
    committee = SubCommitteeFactory(board=people.board, chair=people.chair)
    action = action_on(
        people.board, responsible=people.member, lead_sub_committee=committee, due_date=frozen_today - DAY
    )
    Membership.objects.filter(user=people.member, board=people.board).delete()
    assert recipients(selection.overdue(frozen_today)) == {(people.chair.pk, people.board.pk, (action.pk,))}

    Membership.objects.filter(user=people.chair, board=people.board).delete()
    assert selection.overdue(frozen_today) == []


def test_a_lead_who_is_a_member_of_another_board_only_gets_nothing(people, frozen_today):
    action_on(people.board, responsible=people.outsider, due_date=frozen_today - DAY)
    assert selection.overdue(frozen_today) == []


def test_overdue_reminders_ignore_archived_plans_and_cannot_be_turned_off(people, frozen_today):
    archived = action_on(people.board, responsible=people.member, due_date=frozen_today - DAY)
    BusinessPlan.objects.filter(pk=archived.objective.priority_area.plan_id).update(
        status=BusinessPlan.Status.ARCHIVED
    )
    live = action_on(people.board, responsible=people.member, due_date=frozen_today - DAY)
    NotificationPreferenceFactory(user=people.member, due_soon=False, digest=False)

    assert recipients(selection.overdue(frozen_today)) == {(people.member.pk, people.board.pk, (live.pk,))}


def test_overdue_repeats_daily_and_each_board_is_its_own_email(people, frozen_today):
    MembershipFactory(user=people.member, board=people.other_board, role=Role.MEMBER)
    here = action_on(people.board, responsible=people.member, due_date=frozen_today - DAY)
    there = action_on(people.other_board, responsible=people.member, due_date=frozen_today - DAY)
    SentReminderFactory(recipient=people.member, action=here, day=frozen_today - DAY)

    assert recipients(selection.overdue(frozen_today)) == {
        (people.member.pk, people.board.pk, (here.pk,)),
        (people.member.pk, people.other_board.pk, (there.pk,)),
    }


# --- due soon ----------------------------------------------------------------


def test_due_soon_covers_the_next_fourteen_days(people, frozen_today):
    today = action_on(people.board, responsible=people.member, due_date=frozen_today)
    last_day = action_on(people.board, responsible=people.member, due_date=frozen_today + 14 * DAY)
    action_on(people.board, responsible=people.member, due_date=frozen_today + 15 * DAY)
    action_on(people.board, responsible=people.member, due_date=frozen_today - DAY)

    assert recipients(selection.due_soon(frozen_today)) == {
        (people.member.pk, people.board.pk, (today.pk, last_day.pk))
    }


def test_due_soon_window_is_a_setting(people, frozen_today, settings):
    settings.REMINDER_DUE_SOON_DAYS = 7
    action_on(people.board, responsible=people.member, due_date=frozen_today + 10 * DAY)
    assert selection.due_soon(frozen_today) == []


def test_due_soon_is_sent_once_per_window(people, frozen_today):
    action = action_on(people.board, responsible=people.member, due_date=frozen_today + 5 * DAY)
    SentReminderFactory(
        recipient=people.member, action=action, kind=ReminderKind.DUE_SOON, day=frozen_today - 3 * DAY
    )
    assert selection.due_soon(frozen_today) == []


def test_a_failed_due_soon_reminder_is_selected_again(people, frozen_today):
    action = action_on(people.board, responsible=people.member, due_date=frozen_today + 5 * DAY)
    SentReminderFactory(
        recipient=people.member,
        action=action,
        kind=ReminderKind.DUE_SOON,
        day=frozen_today - DAY,
        status=ClaimStatus.FAILED,
        sent_at=None,
    )
    assert recipients(selection.due_soon(frozen_today)) == {(people.member.pk, people.board.pk, (action.pk,))}


def test_due_soon_can_be_turned_off(people, frozen_today):
    action_on(people.board, responsible=people.member, due_date=frozen_today + 5 * DAY)
    NotificationPreferenceFactory(user=people.member, due_soon=False)
    assert selection.due_soon(frozen_today) == []


# --- escalation ladder ------------------------------------------------------------


@pytest.fixture
def second_manager(people):
    manager = UserFactory(username="second-manager")
    MembershipFactory(user=manager, board=people.board, role=Role.MANAGER)
    return manager


def ladder(people, frozen_today, days_overdue):
    action = action_on(people.board, responsible=people.member, due_date=frozen_today - days_overdue * DAY)
    return action, selection.escalations(frozen_today)


@pytest.mark.parametrize(
    ("days_overdue", "managers", "chair"),
    [
        (1, False, False),
        (28, False, False),
        (29, True, False),
        (56, True, False),
        (57, True, True),
        (400, True, True),
    ],
)
def test_escalation_ladder(people, frozen_today, second_manager, days_overdue, managers, chair):
    people.board.independent_chair = people.executive
    people.board.save()
    action, batches = ladder(people, frozen_today, days_overdue)

    expected_managers = (
        {
            (people.manager.pk, people.board.pk, (action.pk,)),
            (second_manager.pk, people.board.pk, (action.pk,)),
        }
        if managers
        else set()
    )
    assert recipients(batches, ReminderKind.ESCALATION_MANAGER) == expected_managers
    expected_chair = {(people.executive.pk, people.board.pk, (action.pk,))} if chair else set()
    assert recipients(batches, ReminderKind.ESCALATION_CHAIR) == expected_chair


def test_each_rung_is_sent_once_per_due_date(people, frozen_today):
    people.board.independent_chair = people.executive
    people.board.save()
    action = action_on(people.board, responsible=people.member, due_date=frozen_today - 60 * DAY)
    for kind, recipient in (
        (ReminderKind.ESCALATION_MANAGER, people.manager),
        (ReminderKind.ESCALATION_CHAIR, people.executive),
    ):
        SentReminderFactory(recipient=recipient, action=action, kind=kind, day=frozen_today - 2 * DAY)
    assert selection.escalations(frozen_today) == []

    # The due date moved later and was missed again: the ladder starts over.
    action.due_date = frozen_today - 30 * DAY
    action.save()
    assert recipients(selection.escalations(frozen_today)) == {
        (people.manager.pk, people.board.pk, (action.pk,))
    }


def test_escalation_thresholds_are_settings(people, frozen_today, settings):
    settings.REMINDER_ESCALATE_MANAGERS_DAYS = 7
    settings.REMINDER_ESCALATE_CHAIR_DAYS = 14
    people.board.independent_chair = people.executive
    people.board.save()
    action, batches = ladder(people, frozen_today, 15)
    assert recipients(batches) == {
        (people.manager.pk, people.board.pk, (action.pk,)),
        (people.executive.pk, people.board.pk, (action.pk,)),
    }


def test_an_independent_chair_who_left_the_board_is_not_escalated_to(people, frozen_today):
    chair = UserFactory(username="former-independent-chair")
    people.board.independent_chair = chair
    people.board.save()
    _, batches = ladder(people, frozen_today, 60)
    assert recipients(batches, ReminderKind.ESCALATION_CHAIR) == set()


def test_escalations_group_actions_per_manager(people, frozen_today):
    first = action_on(people.board, responsible=people.member, due_date=frozen_today - 30 * DAY)
    second = action_on(people.board, responsible=people.chair, due_date=frozen_today - 45 * DAY)
    assert recipients(selection.escalations(frozen_today)) == {
        (people.manager.pk, people.board.pk, tuple(sorted([first.pk, second.pk])))
    }


# --- weekly digest ---------------------------------------------------------------


def test_digest_lists_overdue_slipped_and_stalled_actions_for_each_manager(people, frozen_today):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC), tick=False):
        overdue = action_on(people.board, due_date=frozen_today - DAY)
        stalled = action_on(people.board, due_date=frozen_today + 100 * DAY)
        progressing = action_on(people.board, due_date=frozen_today + 100 * DAY)
        slipped = action_on(people.board, due_date=frozen_today + 30 * DAY)
    ProgressUpdateFactory(action=progressing, date=frozen_today - 10 * DAY)
    ProgressUpdateFactory(action=slipped, date=frozen_today - 10 * DAY)
    ProgressUpdateFactory(action=overdue, date=frozen_today - 10 * DAY)
    ProgressUpdateFactory(action=stalled, date=frozen_today - 91 * DAY)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False):
        change_due_date(slipped, frozen_today + 60 * DAY, user=people.manager, reason="Agreed later")
        # Brought forward: not a slip.
        change_due_date(progressing, frozen_today + 50 * DAY, user=people.manager, reason="Sooner")

    batches = selection.digests(frozen_today)

    assert [(b.recipient_id, b.board_id) for b in batches] == [(people.manager.pk, people.board.pk)]
    assert batches[0].sections == {
        "overdue": (overdue.pk,),
        "slipped": (slipped.pk,),
        "no_progress": (stalled.pk,),
        "recommendations_without_action": (),
    }


def test_a_slip_older_than_a_week_is_not_in_the_digest(people, frozen_today):
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC), tick=False):
        action = action_on(people.board, due_date=frozen_today + 30 * DAY)
        change_due_date(action, frozen_today + 60 * DAY, user=people.manager, reason="Agreed later")
        ProgressUpdateFactory(action=action, date=datetime.date(2026, 11, 1))
    assert selection.digests(frozen_today) == []


def test_a_new_action_is_not_reported_as_stalled(people, frozen_today):
    action_on(people.board, due_date=frozen_today + 100 * DAY)  # created today, no progress yet
    assert selection.digests(frozen_today) == []


def test_digest_can_be_turned_off_and_goes_only_to_managers(people, frozen_today):
    action_on(people.board, due_date=frozen_today - DAY)
    NotificationPreferenceFactory(user=people.manager, digest=False)
    assert selection.digests(frozen_today) == []


def test_review_recommendations_hook_is_empty_until_reviews_land(people):
    assert selection.review_recommendations_without_action([people.board.pk]) == {}


# --- batching -----------------------------------------------------------------------


# The clocks job reads reviews, not actions: tests/notifications/test_clock_reminders.py pins its count.
@pytest.mark.parametrize("job", [job for job in selection.JOBS if job != "clocks"])
def test_query_count_does_not_grow_with_actions(people, frozen_today, job, django_assert_num_queries):
    """Each job reads actions, memberships and preferences once, not once per action (N+1)."""
    people.board.independent_chair = people.executive
    people.board.save()

    def make(n):
        for i in range(n):
            action_on(people.board, responsible=people.member, due_date=frozen_today - (60 + i) * DAY)
            action_on(people.board, responsible=people.chair, due_date=frozen_today + (i % 10) * DAY)

    make(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        selection.select(job, frozen_today)
    make(20)
    with django_assert_num_queries(len(few.captured_queries)):
        batches = selection.select(job, frozen_today)
    assert batches
