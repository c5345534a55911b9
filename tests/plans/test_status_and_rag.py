"""Status and RAG cannot contradict each other: complete ⇔ blue, in the database and on
every write path; "Overdue" is never shown beside "Complete"."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from plans.editing import StatusRagMismatchError, apply_status, consistent_status_rag
from plans.models import Action, Rag, Status
from tests.factories import ActionFactory
from tests.plans.test_permissions import action_edit_data, quick_update_data

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.mark.parametrize(
    "status,rag",
    [
        (Status.COMPLETE, Rag.GREEN),
        (Status.COMPLETE, Rag.NOT_RATED),
        (Status.COMPLETE, Rag.RED),
        (Status.IN_PROGRESS, Rag.BLUE),
        (Status.NOT_STARTED, Rag.BLUE),
        (Status.DEFERRED, Rag.BLUE),
    ],
)
def test_the_database_refuses_a_status_and_rag_that_contradict(own, status, rag):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=own.led.pk).update(status=status, rag=rag)


def test_the_one_rule():
    assert consistent_status_rag(Status.COMPLETE, Rag.RED) == (Status.COMPLETE, Rag.BLUE)
    assert consistent_status_rag(Status.IN_PROGRESS, Rag.BLUE) == (Status.IN_PROGRESS, Rag.NOT_RATED)
    assert consistent_status_rag(Status.IN_PROGRESS, Rag.AMBER) == (Status.IN_PROGRESS, Rag.AMBER)
    action = Action(status=Status.IN_PROGRESS, rag=Rag.GREEN)
    apply_status(action, Status.COMPLETE, Rag.GREEN, TODAY)
    assert (action.status, action.rag, action.completed_on) == (Status.COMPLETE, Rag.BLUE, TODAY)
    with pytest.raises(StatusRagMismatchError):
        apply_status(action, Status.IN_PROGRESS, Rag.BLUE, TODAY)


def _quick(client, action: Action, **fields):
    prefix = f"action-{action.pk}"
    data = {**quick_update_data(action), f"{prefix}-text": ""}
    data |= {f"{prefix}-{name}": value for name, value in fields.items()}
    return client.post(reverse("plans:action_update", args=[action.pk]), data)


def test_completing_from_the_quick_update_rates_the_action_blue(client, people, own):
    client.force_login(people.chair)
    assert _quick(client, own.led, status="complete", rag="green").status_code == 302
    own.led.refresh_from_db()
    assert (own.led.status, own.led.rag, own.led.completed_on) == ("complete", "blue", TODAY)


def test_blue_on_an_open_action_is_refused_with_the_form_kept(client, people, own):
    client.force_login(people.chair)
    response = _quick(client, own.led, status="in_progress", rag="blue", text="Half done")
    assert response.status_code == 200
    assert "Blue (complete) is the rating of a complete action" in response.text
    assert "Half done" in response.text
    own.led.refresh_from_db()
    assert (own.led.status, own.led.rag) == ("in_progress", "green")


def test_reopening_a_complete_action_asks_for_a_rating(client, people, own):
    own.led.status, own.led.rag, own.led.completed_on = "complete", "blue", TODAY
    own.led.save()
    client.force_login(people.chair)
    response = _quick(client, own.led, status="in_progress", rag="blue")
    assert "Blue (complete) is the rating of a complete action" in response.text
    assert _quick(client, own.led, status="in_progress", rag="amber").status_code == 302
    own.led.refresh_from_db()
    assert (own.led.status, own.led.rag, own.led.completed_on) == ("in_progress", "amber", None)


def test_the_manager_edit_form_keeps_status_and_rag_together(client, people, own):
    client.force_login(people.manager)
    url = reverse("plans:action_edit", args=[own.led.pk])
    response = client.post(url, {**action_edit_data(own.led), "status": "in_progress", "rag": "blue"})
    assert response.status_code == 200 and "Blue (complete) is the rating" in response.text
    assert (
        client.post(url, {**action_edit_data(own.led), "status": "complete", "rag": "red"}).status_code == 302
    )
    own.led.refresh_from_db()
    assert (own.led.status, own.led.rag) == ("complete", "blue")


def test_a_new_action_added_as_complete_is_blue(client, people, own):
    client.force_login(people.manager)
    data = {**action_edit_data(own.led), "status": "complete", "rag": "amber", "description": "Done already"}
    del data["based_on_version"]
    response = client.post(reverse("plans:action_create", args=[own.objective.pk]), data)
    assert response.status_code == 302
    added = Action.objects.get(description="Done already")
    assert (added.status, added.rag) == ("complete", "blue")


def test_overdue_is_never_shown_beside_complete(client, people, own):
    """A complete action past its due date is not overdue anywhere it is listed."""
    own.led.status, own.led.rag, own.led.completed_on = "complete", "blue", TODAY
    own.led.due_date = datetime.date(2026, 1, 31)
    own.led.save()
    client.force_login(people.chair)
    for url in (own.led.get_absolute_url(), own.plan.get_absolute_url(), reverse("plans:my_actions")):
        page = client.get(url).text
        assert "Complete" in page
        assert "Overdue</strong>" not in page, url
    assert not own.led.is_overdue(TODAY)
    assert own.led not in Action.objects.overdue(TODAY)


def test_factories_make_consistent_actions():
    """Tests never start from a contradiction the database would refuse."""
    done = ActionFactory.build(status=Status.COMPLETE)
    open_ = ActionFactory.build(status=Status.IN_PROGRESS)
    assert (done.rag, open_.rag) == (Rag.BLUE, Rag.NOT_RATED)
