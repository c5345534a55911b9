"""Due-date changes keep the original timescale and the reason (slippage is data)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from plans.models import DueDateChange
from tests.plans.test_permissions import action_edit_data, date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def test_chair_asks_manager_approves_and_the_action_shows_original_and_new(client, people, own):
    client.force_login(people.chair)
    response = client.post(
        reverse("plans:due_date_request", args=[own.led.pk]),
        {
            **date_fields("new_due_date", datetime.date(2027, 3, 5)),
            "reason": "Partner agencies asked for time.",
        },
    )
    assert response.status_code == 302
    request = DueDateChange.objects.get(action=own.led, status="requested")
    assert request.new_due_date == datetime.date(2027, 3, 31)  # a month timescale: the month's last day
    own.led.refresh_from_db()
    assert own.led.due_date == datetime.date(2026, 12, 31)  # not moved until approved

    client.force_login(people.manager)
    page = client.get(own.led.get_absolute_url()).text
    assert "Waiting for a manager" in page
    response = client.post(reverse("plans:due_date_decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 302
    own.led.refresh_from_db()
    assert own.led.due_date == datetime.date(2027, 3, 31)
    assert own.led.original_due_date == datetime.date(2026, 12, 31)
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == people.manager

    client.force_login(people.member)
    page = client.get(own.led.get_absolute_url()).text
    assert "Originally December 2026, now March 2027" in page
    assert "Partner agencies asked for time." in page
    plan_page = client.get(own.plan.get_absolute_url()).text
    assert "Originally December 2026, now March 2027" in plan_page


def test_a_second_open_request_is_refused(client, people, own):
    client.force_login(people.chair)
    url = reverse("plans:due_date_request", args=[own.led.pk])
    data = {**date_fields("new_due_date", datetime.date(2027, 3, 5)), "reason": "First"}
    client.post(url, data)
    response = client.post(url, {**data, "reason": "Second"})
    assert "There is already a request waiting" in response.text
    assert DueDateChange.objects.filter(action=own.led).count() == 1


def test_refusing_leaves_the_due_date(client, people, own):
    client.force_login(people.manager)
    client.post(reverse("plans:due_date_decide", args=[own.request.pk]), {"decision": "refuse"})
    own.request.refresh_from_db()
    own.unled.refresh_from_db()
    assert own.request.status == "refused"
    assert own.unled.due_date == datetime.date(2026, 12, 31)
    assert own.unled.original_due_date is None


def test_a_decided_request_cannot_be_decided_again(client, people, own):
    client.force_login(people.manager)
    url = reverse("plans:due_date_decide", args=[own.request.pk])
    client.post(url, {"decision": "refuse"})
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "already been decided" in response.text
    own.unled.refresh_from_db()
    assert own.unled.due_date == datetime.date(2026, 12, 31)


def test_manager_moving_the_due_date_keeps_the_first_original(client, people, own):
    client.force_login(people.manager)
    url = reverse("plans:action_edit", args=[own.led.pk])
    for new, reason in (
        (datetime.date(2027, 3, 31), "Slipped once"),
        (datetime.date(2027, 6, 30), "Slipped again"),
    ):
        own.led.refresh_from_db()
        data = {**action_edit_data(own.led), **date_fields("due_date", new), "due_date_reason": reason}
        assert client.post(url, data).status_code == 302
    own.led.refresh_from_db()
    assert own.led.original_due_date == datetime.date(2026, 12, 31)
    assert own.led.due_date == datetime.date(2027, 6, 30)
    changes = list(
        DueDateChange.objects.filter(action=own.led).order_by("pk").values_list("reason", "status")
    )
    assert changes == [("Slipped once", "approved"), ("Slipped again", "approved")]
    page = client.get(own.led.get_absolute_url()).text
    assert "Originally December 2026, now June 2027" in page
    assert "Reason given: Slipped again" in page


def test_a_manager_request_is_applied_at_once(client, people, own):
    client.force_login(people.manager)
    client.post(
        reverse("plans:due_date_request", args=[own.led.pk]),
        {**date_fields("new_due_date", datetime.date(2027, 1, 15)), "reason": "Board agreed"},
    )
    own.led.refresh_from_db()
    assert own.led.due_date == datetime.date(2027, 1, 31)
    assert DueDateChange.objects.get(action=own.led).status == "approved"
