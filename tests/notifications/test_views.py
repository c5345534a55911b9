import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from icalendar import Calendar

from boards.models import Membership
from notifications.models import CalendarFeedToken, Notification, NotificationPreference
from plans.models import Status
from tests.factories import SubCommitteeFactory
from tests.notifications.factories import (
    CalendarFeedTokenFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    action_on,
)

pytestmark = pytest.mark.django_db


# --- in-app list ---------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_opening_the_list_refreshes_the_header_count(client, people):
    client.force_login(people.member)
    NotificationFactory(user=people.member, board=people.board)  # arrived after sign-in
    response = client.get(reverse("notifications:list"))
    assert '<span class="app-count">1<span' in response.text
    assert "Mark all as read" in response.text


def test_the_list_shows_only_the_users_own_notifications(client, people):
    NotificationFactory(user=people.member, board=people.board, text="Overdue: audit section 11 returns")
    NotificationFactory(user=people.outsider, board=people.other_board, text="Overdue: someone else's action")
    client.force_login(people.member)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert "Overdue: audit section 11 returns" in response.text
    assert "someone else" not in response.text


def test_header_shows_the_unread_count(client, people):
    NotificationFactory.create_batch(3, user=people.member, board=people.board)
    NotificationFactory(user=people.outsider, board=people.other_board)
    client.force_login(people.member)
    response = client.get(reverse("boards:home"))
    assert (
        '<span class="app-count">3<span class="govuk-visually-hidden"> unread</span></span>' in response.text
    )


def test_mark_all_read_is_post_only_and_clears_the_count(client, people):
    NotificationFactory.create_batch(2, user=people.member, board=people.board)
    other = NotificationFactory(user=people.outsider, board=people.other_board)
    client.force_login(people.member)
    url = reverse("notifications:mark_all_read")

    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert not Notification.objects.filter(user=people.member).unread().exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert "app-count" not in response.text
    assert "Mark all as read" not in response.text


def test_list_query_count_is_fixed(client, people, django_assert_max_num_queries):
    """Boards are joined in (no query per row), and the header count is one query: session,
    user, page count, rows, header count, and the session save (three statements)."""
    NotificationFactory.create_batch(30, user=people.member, board=people.board)
    client.force_login(people.member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))
    assert response.text.count('class="govuk-table__row"') == 31


# --- preferences ----------------------------------------------------------------------


def test_preferences_can_turn_off_due_soon_and_digest(client, people):
    client.force_login(people.manager)
    assert client.get(reverse("notifications:preferences")).status_code == 200

    response = client.post(reverse("notifications:preferences"), {"due_soon": "", "digest": ""})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=people.manager)
    assert (preference.overdue, preference.due_soon, preference.digest) == (True, False, False)


def test_overdue_reminders_cannot_be_turned_off_through_the_form(client, people):
    client.force_login(people.manager)
    client.post(reverse("notifications:preferences"), {"overdue": "", "due_soon": "on", "digest": "on"})
    assert NotificationPreference.objects.get(user=people.manager).overdue is True


def test_overdue_reminders_cannot_be_turned_off_in_the_model_or_database(people):
    preference = NotificationPreferenceFactory(user=people.member)
    preference.overdue = False
    with pytest.raises(Exception, match="cannot be turned off"):
        preference.full_clean()
    with pytest.raises(IntegrityError):
        NotificationPreference.objects.filter(pk=preference.pk).update(overdue=False)


# --- calendar feed -----------------------------------------------------------------------


def feed_url_from(response) -> str:
    start = response.text.index('value="https://planner.example.org/notifications/calendar/') + len('value="')
    return response.text[start : response.text.index('"', start)]


def test_calendar_feed_lists_the_actions_the_user_leads(client, people):
    committee = SubCommitteeFactory(board=people.board, chair=people.chair)
    mine = action_on(people.board, responsible=people.chair, due_date=datetime.date(2027, 1, 31))
    chaired = action_on(people.board, lead_sub_committee=committee, due_date=datetime.date(2027, 3, 31))
    action_on(people.board, responsible=people.member, due_date=datetime.date(2027, 2, 28))
    action_on(
        people.board, responsible=people.chair, due_date=datetime.date(2027, 2, 1), status=Status.COMPLETE
    )
    client.force_login(people.chair)

    response = client.post(reverse("notifications:calendar_new"), follow=True)
    url = feed_url_from(response)
    client.logout()
    feed = client.get(url.removeprefix("https://planner.example.org"))

    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(feed.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        f"action-{mine.pk}@planner.example.org",
        f"action-{chaired.pk}@planner.example.org",
    }
    event = events[f"action-{mine.pk}@planner.example.org"]
    assert event.decoded("dtstart") == datetime.date(2027, 1, 31)
    assert event.decoded("dtend") == datetime.date(2027, 2, 1)
    assert str(event["url"]) == f"https://planner.example.org{mine.get_absolute_url()}"
    assert calendar["version"] == "2.0" and "prodid" in calendar


def test_the_secret_is_shown_once_and_only_its_hash_is_stored(client, people):
    client.force_login(people.chair)
    response = client.post(reverse("notifications:calendar_new"), follow=True)
    token = feed_url_from(response).rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeedToken.objects.filter(token_hash=token).exists()
    assert token not in client.get(reverse("notifications:preferences")).text


def test_revoking_or_regenerating_stops_the_old_address(client, people):
    client.force_login(people.chair)
    old = feed_url_from(client.post(reverse("notifications:calendar_new"), follow=True))
    new = feed_url_from(client.post(reverse("notifications:calendar_new"), follow=True))
    assert client.get(old.removeprefix("https://planner.example.org")).status_code == 404
    assert client.get(new.removeprefix("https://planner.example.org")).status_code == 200

    assert client.get(reverse("notifications:calendar_revoke")).status_code == 405
    client.post(reverse("notifications:calendar_revoke"))
    assert client.get(new.removeprefix("https://planner.example.org")).status_code == 404
    assert CalendarFeedToken.objects.active().count() == 0


def test_new_calendar_address_is_post_only(client, people):
    client.force_login(people.chair)
    assert client.get(reverse("notifications:calendar_new")).status_code == 405


def test_unknown_tokens_get_404(client):
    assert client.get(reverse("notifications:calendar", kwargs={"token": "guess"})).status_code == 404


def test_the_feed_drops_boards_the_user_has_left(client, people):
    action_on(people.board, responsible=people.chair, due_date=datetime.date(2027, 1, 31))
    CalendarFeedTokenFactory(user=people.chair, secret="known-secret")
    Membership.objects.filter(user=people.chair).delete()
    feed = client.get(reverse("notifications:calendar", kwargs={"token": "known-secret"}))
    assert feed.status_code == 200
    assert Calendar.from_ical(feed.content).walk("VEVENT") == []


def test_one_active_token_per_user(people):
    CalendarFeedTokenFactory(user=people.chair)
    with pytest.raises(IntegrityError):
        CalendarFeedTokenFactory(user=people.chair)


def test_header_count_costs_no_query_until_it_is_two_minutes_old(client, people):
    """The count is taken at sign-in and kept in the session: pages pinned to a query count
    do not pay for it; a new reminder shows within COUNT_MAX_AGE seconds."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client.force_login(people.member)
        NotificationFactory(user=people.member, board=people.board)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("boards:home"))
        assert "app-count" not in response.text
        assert not any("notifications_notification" in q["sql"] for q in queries.captured_queries)
    with time_machine.travel(start + datetime.timedelta(seconds=121), tick=False):
        response = client.get(reverse("boards:home"))
    assert '<span class="app-count">1<span' in response.text


def test_viewing_preferences_writes_nothing(client, people):
    client.force_login(people.member)
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert response.text.count("checked") == 2  # both choices on by default
    assert not NotificationPreference.objects.filter(user=people.member).exists()
