"""The page around the plan page's body is kept too (plans.page_frame): a repeat view draws
nothing, and anything the page shows that changes is shown at once."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from plans import page_frame, views
from plans.approval import start_revision
from plans.models import BusinessPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(page_cache_cleared_on_a_monday):
    yield


def _no_drawing(monkeypatch):
    monkeypatch.setattr(views, "render_to_string", lambda *args, **kwargs: pytest.fail("the page was drawn"))


def _token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_repeat_view_draws_nothing_and_carries_a_fresh_working_csrf_token(people, own, monkeypatch):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.chair)
    url = own.plan.get_absolute_url()
    first = client.get(url).text
    _no_drawing(monkeypatch)
    second = client.get(url).text
    assert second.split("<main")[1].replace(_token(second), "") == first.split("<main")[1].replace(
        _token(first), ""
    )
    assert "csrf-token-marker" not in second
    assert _token(first) != _token(second)  # masked afresh, as Django does on every page
    # The token in the kept page works: the sign-out form posts with it.
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": _token(second)}).status_code == 302


def test_outsiders_still_get_404_and_a_member_s_kept_page_is_not_a_manager_s(client, people, own):
    url = own.plan.get_absolute_url()
    client.force_login(people.member)
    member_page = client.get(url).text
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    client.force_login(people.manager)
    manager_page = client.get(url).text
    assert "Edit plan" in manager_page and "Edit plan" not in member_page


@pytest.mark.parametrize(
    "change",
    ["plan renamed", "board renamed", "plan archived", "revision started", "approver renamed", "made staff"],
)
def test_what_the_page_shows_around_the_table_shows_at_once(client, people, own, change):
    client.force_login(people.manager)
    url = own.plan.get_absolute_url()
    client.get(url)
    client.get(url)  # kept
    plan = BusinessPlan.objects.get(pk=own.plan.pk)
    if change == "plan renamed":
        BusinessPlan.objects.filter(pk=plan.pk).update(title="Renamed Business Plan")
        expected = "Renamed Business Plan"
    elif change == "board renamed":
        board = plan.board
        board.name = "Renamed Safeguarding Partnership"
        board.save()
        expected = "Renamed Safeguarding Partnership"
    elif change == "plan archived":
        BusinessPlan.objects.filter(pk=plan.pk).update(status="archived")
        expected = "This plan is archived."
    elif change == "revision started":
        revision = start_revision(plan.pk, people.manager, lambda locked: True)
        expected = f"Version {revision.revision_number} is being drafted"
    elif change == "approver renamed":
        BusinessPlan.objects.filter(pk=plan.pk).update(approved_by=people.chair)
        people.chair.first_name, people.chair.last_name = "Ada", "Lovelace"
        people.chair.save()
        expected = "by Ada Lovelace"
    else:
        people.manager.is_staff = True
        people.manager.save()
        client.force_login(people.manager)
        expected = reverse("admin:index")
    assert expected in client.get(url).text


def test_a_waiting_message_is_shown_once(client, people, own):
    from tests.plans.test_permissions import quick_update_data

    client.force_login(people.chair)
    url = own.plan.get_absolute_url()
    client.get(url)
    client.get(url)  # kept
    data = {**quick_update_data(own.led), "next": url}
    assert client.post(reverse("plans:action_update", args=[own.led.pk]), data).url == url
    assert "was saved." in client.get(url).text
    assert "was saved." not in client.get(url).text


def test_the_unread_badge_follows_the_notifications(client, people, own):
    from notifications.models import Notification, ReminderKind
    from notifications.unread import SESSION_KEY

    client.force_login(people.member)
    url = own.plan.get_absolute_url()
    client.get(url)
    before = client.get(url).text
    Notification.objects.create(
        user=people.member, kind=ReminderKind.DUE_SOON, board=people.board, text="Due soon.", link="/plans/"
    )
    session = client.session
    session.pop(SESSION_KEY, None)  # the count is kept two minutes; read it again now
    session.save()
    after = client.get(url).text
    assert before != after


def test_the_frame_query_is_prepared_once_a_connection_and_reads_what_the_query_reads(people, own, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    plain = page_frame.read(people.member, own.plan.pk)
    settings.DATABASE_PREPARED_STATEMENTS = True
    assert page_frame.read(people.member, own.plan.pk) == plain
    assert page_frame.read(people.manager, own.plan.pk).role == "manager"
    assert page_frame.read(people.outsider, own.plan.pk) is None  # still the access check
    name = page_frame.statement_name(page_frame._compiled()[0])
    prepared = "SELECT count(*) FROM pg_prepared_statements WHERE name = %s"
    with connection.cursor() as cursor:
        cursor.execute(prepared, [name])
        assert cursor.fetchone()[0] == 1
    # A record lost while the connection keeps the statement: not prepared again (which
    # PostgreSQL refuses: "prepared statement already exists").
    page_frame._prepared.clear()
    assert page_frame.read(people.member, own.plan.pk) == plain


def test_a_cached_view_still_counts_three_queries_with_the_statement_prepared(
    client, people, own, django_assert_num_queries
):
    client.force_login(people.member)
    url = own.plan.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(3):  # session, user, the plan with the reader's role
        assert client.get(url).status_code == 200
