"""The chairs' writes through the API follow the pages' rules exactly: complete is blue and
blue only complete; edits based on an old version are merged or refused (409) with what
changed; progress notes are inserts; due-date requests go to a manager, a manager's request
applies at once, only one request waits at a time; history names the token's owner."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from plans.models import Action, DueDateChange, DueDateChangeKind, ProgressUpdate, Rag, Status
from tests.api.conftest import api_client, make_token

pytestmark = pytest.mark.django_db


def post(client, name: str, action: Action, data: dict):
    return client.post(
        reverse(f"api:{name}", args=[action.pk]), json.dumps(data), content_type="application/json"
    )


@pytest.fixture
def chair(people):
    return api_client(make_token(people.chair, [people.board]))


@pytest.fixture
def manager(people):
    return api_client(make_token(people.manager, [people.board]))


def test_progress_note_is_added_with_author_and_history(chair, people, own_world):
    action = own_world.plan.led
    response = post(chair, "progress_updates", action, {"text": "  Terms of reference agreed.  "})
    assert response.status_code == 201
    body = response.json()
    assert body["text"] == "Terms of reference agreed."
    assert body["date"] == "2026-11-23"
    assert body["author"] == people.chair.get_full_name()
    note = ProgressUpdate.objects.get(pk=body["id"])
    assert note.author == people.chair
    assert note.history.get().history_user == people.chair
    action.refresh_from_db()
    assert action.version == 1  # a note alone changes nothing on the action


def test_status_complete_makes_it_blue_and_records_who(chair, people, own_world):
    action = own_world.plan.led
    response = post(
        chair, "action_status", action, {"status": "complete", "rag": "green", "based_on_version": 1}
    )
    assert response.status_code == 200
    assert response.json()["rag"] == "blue"
    assert response.json()["status"] == "complete"
    action.refresh_from_db()
    assert (action.status, action.rag, action.completed_on.isoformat()) == ("complete", "blue", "2026-11-23")
    assert action.history.latest("history_id").history_user == people.chair


def test_blue_without_complete_is_refused_with_the_pages_words(chair, own_world):
    action = own_world.plan.led
    response = post(
        chair, "action_status", action, {"status": "in_progress", "rag": "blue", "based_on_version": 1}
    )
    assert response.status_code == 400
    assert "Blue (complete) is the rating of a complete action" in response.json()["rag"][0]
    action.refresh_from_db()
    assert (action.status, action.rag, action.version) == ("in_progress", "green", 1)


def test_stale_version_that_clashes_is_refused_with_what_changed(chair, manager, people, own_world):
    action = own_world.plan.led
    assert (
        post(
            manager, "action_status", action, {"status": "in_progress", "rag": "red", "based_on_version": 1}
        ).status_code
        == 200
    )
    response = post(
        chair, "action_status", action, {"status": "in_progress", "rag": "amber", "based_on_version": 1}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2
    assert "RAG rating to “Red”" in body["changes"][0]
    action.refresh_from_db()
    assert action.rag == Rag.RED
    # Based on the current version it is saved.
    assert (
        post(
            chair, "action_status", action, {"status": "in_progress", "rag": "amber", "based_on_version": 2}
        ).status_code
        == 200
    )


def test_stale_version_without_a_clash_is_merged(chair, manager, own_world):
    action = own_world.plan.led
    assert (
        post(
            manager, "action_status", action, {"status": "in_progress", "rag": "red", "based_on_version": 1}
        ).status_code
        == 200
    )
    # The chair read version 1 and changes only the status: the manager's RAG stays.
    response = post(
        chair, "action_status", action, {"status": "deferred", "rag": "green", "based_on_version": 1}
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert (action.status, action.rag) == (Status.DEFERRED, Rag.RED)


def test_unknown_version_is_refused(chair, own_world):
    response = post(
        chair,
        "action_status",
        own_world.plan.led,
        {"status": "deferred", "rag": "green", "based_on_version": 7},
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 1


def test_progress_with_status_needs_a_version(chair, own_world):
    response = post(chair, "progress_updates", own_world.plan.led, {"text": "Done", "status": "complete"})
    assert response.status_code == 400
    assert "based_on_version" in response.json()
    assert not ProgressUpdate.objects.filter(text="Done").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": "ok", "status": "finished", "based_on_version": 1}, "status"),
        ({"text": "ok", "based_on_version": 0}, "based_on_version"),
    ],
)
def test_bad_progress_is_refused_with_a_message(chair, own_world, data, field):
    before = ProgressUpdate.objects.count()
    response = post(chair, "progress_updates", own_world.plan.led, data)
    assert response.status_code == 400
    assert field in response.json()
    assert ProgressUpdate.objects.count() == before


def test_malformed_json_is_refused(chair, own_world):
    response = chair.post(
        reverse("api:progress_updates", args=[own_world.plan.led.pk]),
        "{not json",
        content_type="application/json",
    )
    assert response.status_code == 400


def test_chairs_request_waits_for_a_manager_and_only_one_waits(chair, people, own_world):
    action = own_world.plan.led
    response = post(
        chair, "due_date_changes", action, {"new_due_date": "2027-02-10", "reason": "New procedures."}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "requested"
    assert body["waiting_for_decision"] is True
    assert body["new_due_date"] == "2027-02-28"  # a month timescale is kept as the month's last day
    action.refresh_from_db()
    assert action.due_date.isoformat() == "2026-12-31"
    again = post(chair, "due_date_changes", action, {"new_due_date": "2027-03-10", "reason": "Later still."})
    assert again.status_code == 409
    assert "already a request" in again.json()["detail"]
    assert DueDateChange.objects.filter(action=action).count() == 1


def test_managers_change_applies_at_once_and_keeps_the_original(manager, own_world):
    action = own_world.plan.led
    response = post(
        manager, "due_date_changes", action, {"new_due_date": "2027-02-10", "reason": "Agreed at board."}
    )
    assert response.status_code == 201
    assert response.json()["kind"] == DueDateChangeKind.CHANGED
    action.refresh_from_db()
    assert action.due_date.isoformat() == "2027-02-28"
    detail = manager.get(reverse("api:action", args=[action.pk])).json()
    assert detail["original_due_date"] == "2026-12-31"
    assert [c["kind"] for c in detail["due_date_changes"]] == ["changed"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"new_due_date": "2026-12-15", "reason": "Same month."}, "new_due_date", "same as the current one"),
        ({"new_due_date": "2029-01-10", "reason": "After the plan."}, "new_due_date", "after the plan ends"),
        ({"new_due_date": "2027-02-10", "reason": ""}, "reason", ""),
        ({"new_due_date": "10/02/2027", "reason": "x"}, "new_due_date", ""),
    ],
)
def test_bad_due_date_requests_are_refused(chair, own_world, data, field, message):
    response = post(chair, "due_date_changes", own_world.plan.led, data)
    assert response.status_code == 400
    assert field in response.json()
    assert message in " ".join(response.json()[field])
    assert not DueDateChange.objects.filter(action=own_world.plan.led).exists()


def test_outside_the_period_with_confirmation_is_accepted(chair, own_world):
    data = {"new_due_date": "2029-01-10", "reason": "After the plan.", "confirm_outside_period": True}
    assert post(chair, "due_date_changes", own_world.plan.led, data).status_code == 201


def test_draft_actions_never_appear_in_lists(manager, own_world):
    from plans.models import BusinessPlan

    BusinessPlan.objects.filter(pk=own_world.plan.plan.pk).update(status="draft", approved_at=None)
    for name in ("plans", "priority_areas", "objectives", "actions"):
        assert manager.get(reverse(f"api:{name}")).json()["count"] == 0, name
    feed = manager.get(reverse("api:feed_json", args=[own_world.plan.plan.board.slug])).json()
    assert feed == []
    review = manager.get(reverse("api:review", args=[own_world.review.pk])).json()
    assert review["recommendations"][0]["actions"] == []
