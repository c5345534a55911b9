"""Meetings and draft plans (issue 13): the "actions arising" picker offers only
objectives of plans in force (an archive meanwhile is refused under lock:
test_archived_plans.py), and a plan's approval may name
the meeting decision that approved it (an agreed decision of the plan's own board)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from meetings.models import DecisionKind
from plans.models import Action, BusinessPlan, PlanStatus
from tests.factories import ObjectiveFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory
from tests.plans.test_permissions import db_state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def item(people):
    return AgendaItemFactory(meeting=MeetingFactory(board=people.board), position=2, title="Business plan")


def make_draft(plan: BusinessPlan) -> None:
    BusinessPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT, approved_at=None)


def test_the_actions_arising_picker_offers_only_plans_in_force(client, people, item):
    ObjectiveFactory(priority_area__plan__board=people.board, description="Objective of the live plan")
    drafted = ObjectiveFactory(priority_area__plan__board=people.board, description="Objective of a draft")
    make_draft(drafted.priority_area.plan)
    url = reverse("meetings:action_arising_create", args=[item.pk])
    client.force_login(people.manager)
    page = client.get(url).text
    assert "Objective of the live plan" in page
    assert "Objective of a draft" not in page
    data = {"description": "Report quarterly", "lead_role": "Business Manager", "due_date": "2027-01-31"}
    response = client.post(url, {**data, "objective": drafted.pk})
    assert response.status_code == 400
    assert not Action.objects.filter(description="Report quarterly").exists()


def test_approval_names_the_meeting_decision_and_the_plan_page_shows_it(client, people, item):
    plan = ObjectiveFactory(priority_area__plan__board=people.board).priority_area.plan
    make_draft(plan)
    agreed = DecisionFactory(agenda_item=item, kind=DecisionKind.AGREED, text="Agreed the business plan.")
    DecisionFactory(agenda_item=item, kind=DecisionKind.NOTED, text="Noted the timetable.")
    elsewhere = DecisionFactory(kind=DecisionKind.AGREED, text="Another board's decision.")
    client.force_login(people.manager)
    page = client.get(plan.get_absolute_url()).text
    assert "Agreed the business plan." in page  # offered
    assert "Noted the timetable." not in page and "Another board's decision." not in page

    before = db_state()
    refused = client.post(reverse("plans:approve", args=[plan.pk]), {"decision": elsewhere.pk}, follow=True)
    assert "not an agreed decision of this board" in refused.text
    assert db_state() == before
    elsewhere.refresh_from_db()
    assert elsewhere.approved_plan is None

    client.post(reverse("plans:approve", args=[plan.pk]), {"decision": agreed.pk})
    plan.refresh_from_db()
    agreed.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert agreed.approved_plan == plan
    page = client.get(plan.get_absolute_url()).text
    meeting_day = f"{timezone.localtime(item.meeting.starts_at):%-d %B %Y}"
    shown = f"{people.board.short_name} meeting of {meeting_day}</a>, item 2: Agreed the business plan."
    assert shown in page


def test_the_plan_page_asks_for_the_approving_decision_only_when_there_is_one(client, people, item):
    """Read with the plan (plans.extensions annotations): most approved plans name no
    decision, and their page runs no query of its own for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = ObjectiveFactory(priority_area__plan__board=people.board).priority_area.plan
    assert plan.approved_at is not None
    client.force_login(people.member)

    def decision_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(plan.get_absolute_url()).text
        # The plan's own query names the table in its subquery; the panel's starts from it.
        return sum('FROM "meetings_decision"' in q["sql"].split("WHERE")[0] for q in queries), page

    assert decision_queries()[0] == 0
    DecisionFactory(agenda_item=item, kind=DecisionKind.AGREED, text="Agreed the plan.", approved_plan=plan)
    count, page = decision_queries()
    assert count == 1 and "Agreed the plan." in page
