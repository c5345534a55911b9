"""Plan page filters (state in the URL) and RAG counts per priority area."""

import datetime

import pytest
import time_machine

from tests.factories import ActionFactory, ObjectiveFactory, PriorityAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def plan(own, people):
    area2 = PriorityAreaFactory(plan=own.plan, number=2, title="Domestic Abuse")
    objective2 = ObjectiveFactory(priority_area=area2, number="2.1", position=1)
    lead = UserFactory(first_name="Dana", last_name="Lead")
    ActionFactory(
        objective=objective2,
        description="Overdue audit of referrals",
        due_date=datetime.date(2026, 10, 31),
        rag="red",
        responsible=lead,
    )
    ActionFactory(
        objective=objective2,
        description="Soon: MARAC training",
        due_date=datetime.date(2026, 12, 15),
        rag="amber",
    )
    ActionFactory(
        objective=objective2,
        description="Finished leaflet",
        due_date=datetime.date(2026, 8, 31),
        rag="blue",
        status="complete",
        completed_on=datetime.date(2026, 8, 1),
    )
    own.lead = lead
    return own


def shown(client, plan, query: str) -> set[str]:
    text = client.get(plan.plan.get_absolute_url() + query).text
    names = [
        "Establish Professional Child Protection User Group",
        "Audit core groups",
        "Overdue audit of referrals",
        "Soon: MARAC training",
        "Finished leaflet",
    ]
    return {name for name in names if name in text}


def test_filters(client, people, plan):
    client.force_login(people.member)
    assert len(shown(client, plan, "")) == 5
    assert shown(client, plan, "?area=2") == {
        "Overdue audit of referrals",
        "Soon: MARAC training",
        "Finished leaflet",
    }
    assert shown(client, plan, "?overdue=on") == {"Overdue audit of referrals"}
    assert shown(client, plan, "?due_within=30") == {"Soon: MARAC training"}
    assert shown(client, plan, "?rag=amber") == {"Audit core groups", "Soon: MARAC training"}
    assert shown(client, plan, "?status=complete") == {"Finished leaflet"}
    assert shown(client, plan, "?q=marac") == {"Soon: MARAC training"}
    sub_committee = plan.led.lead_sub_committee_id
    assert shown(client, plan, f"?lead=sc-{sub_committee}") == {
        "Establish Professional Child Protection User Group"
    }
    assert shown(client, plan, f"?lead=user-{plan.lead.pk}") == {"Overdue audit of referrals"}
    assert shown(client, plan, "?area=2&rag=red") == {"Overdue audit of referrals"}


def test_filter_state_is_kept_in_the_form(client, people, plan):
    client.force_login(people.member)
    text = client.get(plan.plan.get_absolute_url() + "?q=marac&overdue=on&due_within=30").text
    assert 'value="marac"' in text
    assert 'value="30"' in text
    assert "checked" in text
    assert "Clear filters" in text


def test_rag_counts_per_priority_area(client, people, plan):
    client.force_login(people.member)
    text = client.get(plan.plan.get_absolute_url()).text
    area1 = text.index("Priority Area 1 – Child Protection</h2>")
    area2 = text.index("Priority Area 2 – Domestic Abuse</h2>")
    assert "2 actions:" in text[area1:area2]
    assert "Green: 1" in text[area1:area2] and "Amber: 1" in text[area1:area2]
    assert "Red: 1" in text[area2:] and "Blue (complete): 1" in text[area2:]


def test_filtered_page_keeps_a_fixed_query_count(client, people, plan, django_assert_num_queries):
    """Pinned at 16: session, user, the row the kept page frame is keyed on (plans.page_frame,
    missed on a first view), the plan with the reader's role, the lead filter's choices,
    areas, objectives, evidence, measures, which actions each evidence is for, the filtered
    actions, their latest notes and first due dates (one pass each over the plan, not a
    subquery per action), and the session's save with its savepoint pair (a first view)."""
    client.force_login(people.member)
    with django_assert_num_queries(16):
        client.get(plan.plan.get_absolute_url() + "?rag=red&q=audit&overdue=on")
