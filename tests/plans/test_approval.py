"""A plan is a draft until a manager approves it; an approved plan is revised through a
new draft version that replaces it on approval (plans.approval, plans.approval_views).

The role × board matrix for the approve and revise views is in test_permissions.py."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from boards.models import Membership
from plans.access import my_actions
from plans.models import Action, BusinessPlan, PlanStatus, ProgressUpdate
from tests.factories import ActionFactory, ProgressUpdateFactory
from tests.plans.test_permissions import db_state

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def draft(own):
    BusinessPlan.objects.filter(pk=own.plan.pk).update(status=PlanStatus.DRAFT, approved_at=None)
    own.plan.refresh_from_db()
    return own


def test_a_draft_s_actions_reach_my_actions_only_once_a_manager_approves_it(client, people, draft):
    assert not my_actions(people.chair).exists()
    client.force_login(people.chair)
    assert draft.led.description not in client.get(reverse("plans:my_actions")).text

    client.force_login(people.manager)
    page = client.get(draft.plan.get_absolute_url()).text
    assert "This plan is a draft" in page
    assert 'govuk-tag govuk-tag--yellow">Draft' in page
    action_page = client.get(draft.led.get_absolute_url()).text
    assert "This action is in a draft plan: it is not in force" in action_page
    response = client.post(reverse("plans:approve", args=[draft.plan.pk]))
    assert response.status_code == 302

    plan = BusinessPlan.objects.get(pk=draft.plan.pk)
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == people.manager
    assert plan.approved_at == NOW
    assert plan.history.latest("history_id").history_change_reason == "Approved"
    assert list(my_actions(people.chair)) == [draft.led]
    client.force_login(people.chair)
    assert draft.led.description in client.get(reverse("plans:my_actions")).text
    page = client.get(plan.get_absolute_url()).text
    assert "Version 1, approved 23 November 2026 by" in page
    assert "This plan is a draft" not in page
    assert "This action is in a draft plan" not in client.get(draft.led.get_absolute_url()).text


def test_approving_a_plan_that_is_not_a_draft_changes_nothing(client, people, own):
    client.force_login(people.manager)
    before = db_state()
    response = client.post(reverse("plans:approve", args=[own.plan.pk]), follow=True)
    assert "The plan was not approved: This plan is approved, not a draft." in response.text
    assert db_state() == before


def test_approve_and_revise_are_post_only(client, people, draft):
    client.force_login(people.manager)
    for name in ("approve", "revise"):
        assert client.get(reverse(f"plans:{name}", args=[draft.plan.pk])).status_code == 405
    assert BusinessPlan.objects.get(pk=draft.plan.pk).status == PlanStatus.DRAFT


def test_a_manager_demoted_after_the_page_was_shown_cannot_approve(client, people, draft, monkeypatch):
    """The role is checked again inside the approving transaction, on the locked plan: the
    view's first check is skipped here to stand for the race."""
    client.force_login(people.manager)
    assert "Approve this plan" in client.get(draft.plan.get_absolute_url()).text
    monkeypatch.setattr("boards.access.BoardAccess.require_manage", lambda self: None)
    Membership.objects.filter(user=people.manager, board=people.board).update(role="member")
    before = db_state()
    response = client.post(reverse("plans:approve", args=[draft.plan.pk]))
    assert response.status_code == 403
    assert db_state() == before


def test_an_archived_plan_can_be_neither_approved_nor_revised(client, people, own):
    BusinessPlan.objects.filter(pk=own.plan.pk).update(status=PlanStatus.ARCHIVED)
    client.force_login(people.manager)
    before = db_state()
    assert client.post(reverse("plans:approve", args=[own.plan.pk])).status_code == 403
    assert client.post(reverse("plans:revise", args=[own.plan.pk])).status_code == 403
    assert db_state() == before


def test_a_revision_is_a_draft_copy_and_the_approved_version_stays_in_force(client, people, own):
    client.force_login(people.manager)
    response = client.post(reverse("plans:revise", args=[own.plan.pk]))
    revision = BusinessPlan.objects.get(revision_of=own.plan)
    assert response.url == revision.get_absolute_url()
    assert revision.status == PlanStatus.DRAFT
    assert revision.revision_number == 2
    assert (revision.title, revision.period_start, revision.period_end) == (
        own.plan.title,
        own.plan.period_start,
        own.plan.period_end,
    )
    copies = Action.objects.filter(objective__priority_area__plan=revision).order_by("position")
    assert [(a.description, a.copied_from_id, a.status, a.rag) for a in copies] == [
        (own.led.description, own.led.pk, own.led.status, own.led.rag),
        (own.unled.description, own.unled.pk, own.unled.status, own.unled.rag),
    ]
    assert copies[0].progress_updates.get().text == "User group to be established."
    assert revision.priority_areas.get().objectives.get().measures.get().description == "NI64 reduced"
    # Version 1 stays in force: its actions, not the copies, are the chair's.
    assert list(my_actions(people.chair)) == [own.led]
    assert BusinessPlan.objects.get(pk=own.plan.pk).status == PlanStatus.APPROVED
    # Only one draft revision at a time.
    again = client.post(reverse("plans:revise", args=[own.plan.pk]), follow=True)
    assert "A revision of this plan is already being drafted." in again.text
    assert BusinessPlan.objects.filter(revision_of=own.plan).count() == 1
    assert "Version 2 is being drafted" in again.text


def test_approving_a_revision_archives_the_version_it_replaces_and_keeps_notes_added_meanwhile(
    client, people, own
):
    client.force_login(people.manager)
    client.post(reverse("plans:revise", args=[own.plan.pk]))
    revision = BusinessPlan.objects.get(revision_of=own.plan)
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        ProgressUpdateFactory(action=own.led, text="Written on version 1 while version 2 was drafted.")
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        client.force_login(people.manager)  # the session would have timed out meanwhile
        response = client.post(reverse("plans:approve", args=[revision.pk]), follow=True)
    assert "The plan was approved." in response.text
    revision.refresh_from_db()
    assert revision.status == PlanStatus.APPROVED
    assert revision.approved_at == NOW + datetime.timedelta(hours=2)
    previous = BusinessPlan.objects.get(pk=own.plan.pk)
    assert previous.status == PlanStatus.ARCHIVED
    assert previous.history.latest("history_id").history_change_reason == "Replaced by version 2"
    new_led = Action.objects.get(copied_from=own.led)
    assert list(my_actions(people.chair)) == [new_led]
    assert sorted(new_led.progress_updates.values_list("text", flat=True)) == [
        "User group to be established.",
        "Written on version 1 while version 2 was drafted.",
    ]
    # The replaced version says so, and cannot come back into force beside its successor.
    page = client.get(previous.get_absolute_url()).text
    assert (
        f'It was replaced by <a class="govuk-link" href="{revision.get_absolute_url()}">version 2</a>' in page
    )
    assert "Restore this plan" not in page
    response = client.post(reverse("plans:restore", args=[previous.pk]), follow=True)
    assert "A later version of this plan was approved" in response.text
    assert BusinessPlan.objects.get(pk=previous.pk).status == PlanStatus.ARCHIVED
    assert BusinessPlan.objects.in_force().filter(board=people.board).count() == 1


def test_an_approved_plan_always_records_when(people):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessPlan.objects.create(
            board=people.board,
            title="No approval time",
            period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2027, 3, 31),
            status=PlanStatus.APPROVED,
        )


def test_the_board_page_counts_only_plans_in_force(client, people, own, draft_plan_factory):
    draft_plan = draft_plan_factory()
    client.force_login(people.member)
    page = client.get(people.board.get_absolute_url()).text
    assert "2 actions: 0 overdue, 0 complete" in page
    assert f'id="plan-{draft_plan.pk}"' in page
    assert "not in force until approved, so its actions are not counted" in page


@pytest.fixture
def draft_plan_factory(people):
    def make():
        action = ActionFactory(
            objective__priority_area__plan__board=people.board,
            objective__priority_area__plan__status=PlanStatus.DRAFT,
            objective__priority_area__plan__title="Draft plan",
        )
        return action.objective.priority_area.plan

    return make


def test_progress_copies_keep_their_dates(client, people, own):
    client.force_login(people.manager)
    client.post(reverse("plans:revise", args=[own.plan.pk]))
    original = ProgressUpdate.objects.get(action=own.led)
    copy = ProgressUpdate.objects.get(action__copied_from=own.led)
    assert (copy.date, copy.author_id, copy.rag) == (original.date, original.author_id, original.rag)
