"""No lost updates, and history with revert (plans.editing)."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from plans.editing import EditConflictError, QuickUpdate, changes_since, save_quick_update
from plans.models import Action, ProgressUpdate
from tests.plans.test_permissions import action_edit_data, quick_update_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def test_versions_go_up_on_every_save(own):
    version = own.led.version
    own.led.rag = "red"
    own.led.save()
    assert own.led.version == version + 1
    assert Action.objects.get(pk=own.led.pk).version == version + 1


def test_two_managers_edit_the_same_action_the_second_is_refused_and_keeps_its_input(people, own):
    """Both load the edit form (same version); the first save wins, the second is
    refused with what the first changed, its input still on the page."""
    second_manager = people.member
    second_manager.memberships.update(role="manager")
    first, second = Client(), Client()
    first.force_login(people.manager)
    second.force_login(second_manager)
    url = reverse("plans:action_edit", args=[own.led.pk])
    assert first.get(url).status_code == 200
    assert second.get(url).status_code == 200
    first_data = {
        **action_edit_data(own.led),
        "description": "First person's wording",
        "rag": "red",
        "lead_role": "Chair of QA",
    }
    second_data = {**action_edit_data(own.led), "description": "Second person's wording"}

    assert first.post(url, first_data).status_code == 302
    response = second.post(url, second_data)

    assert response.status_code == 200
    own.led.refresh_from_db()
    assert own.led.description == "First person's wording"
    assert own.led.rag == "red"
    assert "Someone else saved this action since you opened it" in response.text
    assert "Agreed action to “First person&#x27;s wording”" in response.text
    assert "RAG rating to “Red”" in response.text
    assert "Second person&#x27;s wording" in response.text  # the input is kept
    assert 'class="govuk-error-summary"' in response.text
    # Having read what changed, saving again goes through (the form is now based on the new version).
    form = response.context["form"]
    assert int(form.data["based_on_version"]) == own.led.version
    # The fields the second person left alone now show the first person's values,
    # so saving again keeps both people's changes.
    assert form.data["rag"] == "red" and form.data["lead_role"] == "Chair of QA"
    assert second.post(url, form.data).status_code == 302
    own.led.refresh_from_db()
    assert own.led.description == "Second person's wording"
    assert own.led.rag == "red"
    assert own.led.lead_role == "Chair of QA"


def test_two_progress_updates_at_once_are_both_kept(client, people, own):
    people.executive.memberships.update(role="manager")
    other = Client()
    other.force_login(people.executive)
    client.force_login(people.chair)
    url = reverse("plans:action_update", args=[own.led.pk])
    data = quick_update_data(own.led)
    first = {**data, f"action-{own.led.pk}-text": "From the chair"}
    second = {**data, f"action-{own.led.pk}-text": "From the manager"}
    assert client.post(url, first).status_code == 302
    assert other.post(url, second).status_code == 302
    texts = set(ProgressUpdate.objects.filter(action=own.led).values_list("text", flat=True))
    assert {"From the chair", "From the manager"} <= texts


def test_a_status_clash_is_refused_but_an_unchanged_status_is_not(client, people, own):
    """Three-way merge of status and RAG: only a real clash is refused."""
    base = own.led.version
    prefix = f"action-{own.led.pk}"
    # Someone else sets the RAG to red.
    own.led.rag = "red"
    own.led.save()
    client.force_login(people.chair)
    url = reverse("plans:action_update", args=[own.led.pk])
    # The chair, on the old version, changes the RAG to amber: a clash.
    clash = {f"{prefix}-text": "Mine", f"{prefix}-status": "in_progress", f"{prefix}-rag": "amber"}
    response = client.post(url, {**clash, f"{prefix}-based_on_version": base})
    assert response.status_code == 200
    assert "Someone else updated this action" in response.text
    assert "RAG rating to “Red”" in response.text
    assert not ProgressUpdate.objects.filter(text="Mine").exists()
    own.led.refresh_from_db()
    assert own.led.rag == "red"
    # Leaving the RAG as it was loaded (green) is not a clash: the note is kept, red stays.
    response = client.post(
        url, {**clash, f"{prefix}-rag": "green", f"{prefix}-based_on_version": base}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Saved" in response.text
    own.led.refresh_from_db()
    assert own.led.rag == "red"
    assert ProgressUpdate.objects.filter(text="Mine", author=people.chair).exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_quick_updates_in_two_threads_keep_both_notes(people):
    """Real concurrency: two transactions race on the same row; the row lock orders
    them, both progress notes are kept, and the status ends as the later one set."""
    from tests.plans.conftest import make_board_plan

    own = make_board_plan(people.board, chair=people.chair)
    barrier = threading.Barrier(2)
    errors = []

    def update(text: str, status: str) -> None:
        try:
            barrier.wait(timeout=5)
            save_quick_update(
                own.led.pk,
                QuickUpdate(text, "green", status, own.led.version),
                people.manager,
                lambda locked: True,
                datetime.date(2026, 11, 23),
            )
        except EditConflictError:
            errors.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=update, args=("Thread A", "in_progress")),
        threading.Thread(target=update, args=("Thread B", "complete")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Status: A keeps it (no change), B completes it: no clash, both notes kept.
    assert errors == []
    assert set(ProgressUpdate.objects.filter(action=own.led).values_list("text", flat=True)) >= {
        "Thread A",
        "Thread B",
    }
    own.led.refresh_from_db()
    assert own.led.status == "complete"
    assert own.led.completed_on == datetime.date(2026, 11, 23)


def test_changes_since_describes_who_changed_what(people, own):
    base = own.led.version
    own.led.status, own.led.rag = "complete", "blue"
    own.led.completed_on = datetime.date(2026, 11, 23)
    own.led.save()
    entries = changes_since(own.led, base)
    assert len(entries) == 1
    labels = {c.label: (c.old, c.new) for c in entries[0].changes}
    assert labels["Status"] == ("In progress", "Complete")
    assert labels["Completed on"] == ("(empty)", "23 November 2026")


def test_history_page_shows_field_old_and_new_values_with_the_user(client, people, own):
    client.force_login(people.manager)
    client.post(reverse("plans:action_edit", args=[own.led.pk]), {**action_edit_data(own.led), "rag": "red"})
    client.force_login(people.member)
    response = client.get(reverse("plans:history", args=["action", own.led.pk]))
    assert response.status_code == 200
    text = response.text
    assert f"Changed by {people.manager.get_full_name()}" in text
    assert "RAG rating" in text and "Green" in text and "Red" in text
    assert "Revert this change" not in text  # readers cannot revert


def test_history_page_is_paginated_with_a_fixed_number_of_queries(
    client, people, own, django_assert_max_num_queries
):
    for i in range(45):
        own.led.description = f"Wording {i}"
        own.led.save()
    client.force_login(people.manager)
    url = reverse("plans:history", args=["action", own.led.pk])
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert "Wording 44" in first.text and "Wording 20" not in first.text
    assert "Older changes" in first.text
    last = client.get(url + "?page=3")
    assert "Created by" in last.text
    assert client.get(url + "?page=9").status_code == 404
    assert client.get(url + "?page=x").status_code == 200


def test_manager_reverts_one_change_and_the_revert_is_recorded(client, people, own):
    own.led.rag = "red"
    own.led.save()
    change = own.led.history.latest("history_id")
    own.led.description = "A later, unrelated edit"
    own.led.save()
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:history_revert", args=["action", own.led.pk]), {"history_id": change.history_id}
    )
    assert response.status_code == 302
    own.led.refresh_from_db()
    assert own.led.rag == "green"
    assert own.led.description == "A later, unrelated edit"  # only that one change is undone
    latest = own.led.history.latest("history_id")
    assert latest.history_user == people.manager
    assert latest.history_change_reason.startswith("Reverted the change")
    page = client.get(reverse("plans:history", args=["action", own.led.pk])).text
    assert "Reverted the change" in page


def test_revert_is_refused_when_the_field_changed_again(client, people, own):
    own.led.rag = "red"
    own.led.save()
    change = own.led.history.latest("history_id")
    own.led.rag = "amber"
    own.led.save()
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:history_revert", args=["action", own.led.pk]),
        {"history_id": change.history_id},
        follow=True,
    )
    assert "has been changed again since" in response.text
    own.led.refresh_from_db()
    assert own.led.rag == "amber"


def test_revert_of_another_objects_change_is_refused(client, people, own, other):
    """A tampered history id (another board's action) reverts nothing."""
    other.led.rag = "red"
    other.led.save()
    foreign = other.led.history.latest("history_id")
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:history_revert", args=["action", own.led.pk]),
        {"history_id": foreign.history_id},
        follow=True,
    )
    assert "That change is not in this history" in response.text
    other.led.refresh_from_db()
    assert other.led.rag == "red"


def test_plan_and_objective_history_pages(client, people, own):
    own.plan.title = "Renamed plan"
    own.plan.save()
    own.objective.description = "Sharper objective"
    own.objective.save()
    client.force_login(people.executive)
    plan_page = client.get(reverse("plans:history", args=["plan", own.plan.pk])).text
    assert "Renamed plan" in plan_page and "Title" in plan_page
    objective_page = client.get(reverse("plans:history", args=["objective", own.objective.pk])).text
    assert "Sharper objective" in objective_page
