"""Packs and draft plans (issue 13): a draft plan is in no pack (Plans covered, exception
report, due next quarter, RAG summary all read the plans in force); a board's managers may
preview a pack as if a draft were approved, which is shown and never stored."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from meetings.models import ActionArising
from packs.gather import all_actions, gather_earlier_meetings, gather_snapshot
from packs.models import BoardPack
from plans.models import BusinessPlan, PlanStatus
from tests.factories import ActionFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory
from tests.packs.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def plans(people):
    live = ActionFactory(
        objective__priority_area__plan__board=people.board,
        objective__priority_area__plan__title="Business Plan in force",
        description="Overdue action of the approved plan",
        due_date=datetime.date(2026, 6, 30),
    )
    drafted = ActionFactory(
        objective__priority_area__plan__board=people.board,
        objective__priority_area__plan__title="Draft business plan",
        objective__priority_area__plan__status=PlanStatus.DRAFT,
        description="Overdue action of the draft plan",
        due_date=datetime.date(2026, 6, 30),
    )
    return live, drafted


def test_a_pack_covers_only_plans_in_force(people, plans, q2):
    live, _drafted = plans
    snapshot = gather_snapshot(people.board, q2, as_of=TODAY)
    assert [plan["title"] for plan in snapshot["plan"]["plans"]] == ["Business Plan in force"]
    assert {action["id"] for action in all_actions(snapshot)} == {live.pk}


def test_a_manager_previews_a_pack_as_if_the_draft_were_approved(client, people, plans, q2):
    _live, drafted = plans
    plan = drafted.objective.priority_area.plan
    url = reverse("packs:preview_as_if_approved", args=[people.board.slug, plan.pk])
    client.force_login(people.manager)
    assert (
        reverse("packs:preview_as_if_approved", args=[people.board.slug, plan.pk])
        in client.get(plan.get_absolute_url()).text
    )
    page = client.get(url, {"quarter": q2.start.isoformat()})
    assert page.status_code == 200
    assert "Preview only." in page.text
    assert "Overdue action of the draft plan" in page.text
    assert "Overdue action of the approved plan" in page.text
    assert not BoardPack.objects.exists()
    bad = client.get(url, {"quarter": "1999-01-01"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.text


@pytest.mark.parametrize(
    ("role", "expected"),
    [("member", 403), ("executive", 403), ("chair", 403), ("outsider", 404), ("manager", 200)],
)
def test_only_the_board_s_managers_preview_drafts(client, people, plans, role, expected):
    _live, drafted = plans
    client.force_login(getattr(people, role))
    url = reverse(
        "packs:preview_as_if_approved", args=[people.board.slug, drafted.objective.priority_area.plan.pk]
    )
    assert client.get(url).status_code == expected


def test_only_a_draft_of_the_board_can_be_previewed(client, people, plans):
    live, _drafted = plans
    client.force_login(people.manager)
    approved = live.objective.priority_area.plan
    assert (
        client.get(reverse("packs:preview_as_if_approved", args=[people.board.slug, approved.pk])).status_code
        == 404
    )
    other = BusinessPlan.objects.create(
        board=people.other_board,
        title="Another board's draft",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2027, 3, 31),
    )
    assert (
        client.get(reverse("packs:preview_as_if_approved", args=[people.board.slug, other.pk])).status_code
        == 404
    )


def test_the_preview_s_cover_says_which_plan_is_a_draft_shown_as_if_approved(client, people, plans, q2):
    _live, drafted = plans
    client.force_login(people.manager)
    url = reverse(
        "packs:preview_as_if_approved", args=[people.board.slug, drafted.objective.priority_area.plan.pk]
    )
    page = client.get(url, {"quarter": q2.start.isoformat()}).text
    covered = page.split("Plans covered")[1].split("Previous pack")[0]
    assert "Draft business plan" in covered and "draft, shown as if approved" in covered
    assert covered.count("draft, shown as if approved") == 1  # not the approved plan


def test_open_actions_arising_leave_out_a_draft_s_actions(people, plans, q2):
    """An action arising written into a plan before drafts existed (or any other way) is in
    no pack while its plan is a draft: the same in-force rule, read in the same query."""
    live, drafted = plans
    meeting = MeetingFactory(
        board=people.board, starts_at=datetime.datetime(2026, 8, 4, 10, 0, tzinfo=datetime.UTC)
    )
    item = AgendaItemFactory(meeting=meeting, position=1, title="Business plan")
    for action in (live, drafted):
        ActionArising.objects.create(agenda_item=item, action=action)
    earlier = gather_earlier_meetings(people.board, q2, as_of=TODAY)
    assert [a["action_id"] for a in earlier["open_actions_arising"]] == [live.pk]
