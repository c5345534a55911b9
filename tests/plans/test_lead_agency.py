"""An action led by a partner agency: chosen on the action form (only the partnership's
agencies), shown on the plan page, the action page and in packs."""

import pytest
from django.urls import reverse

from packs.gather import gather_plans
from packs.periods import quarter_containing
from tests.factories import ActionFactory, AgencyFactory, BusinessPlanFactory
from tests.plans.test_permissions import action_edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(people):
    plan = BusinessPlanFactory(board=people.board)
    return ActionFactory(objective__priority_area__plan=plan, description="Run a neglect audit")


def test_a_manager_names_the_lead_agency_and_every_page_shows_it(client, people, action):
    police = AgencyFactory(partnership=people.board.partnership, name="Northumbria Police", kind="police")
    foreign = AgencyFactory(partnership=people.other_board.partnership, name="Foreign Police")
    url = reverse("plans:action_edit", args=[action.pk])
    client.force_login(people.manager)
    form_page = client.get(url).content.decode()
    assert "Northumbria Police" in form_page and "Foreign Police" not in form_page
    response = client.post(url, {**action_edit_data(action), "lead_agency": foreign.pk})
    assert response.status_code != 302 and "Select a valid choice" in response.content.decode()
    action.refresh_from_db()
    assert action.lead_agency is None
    assert client.post(url, {**action_edit_data(action), "lead_agency": police.pk}).status_code == 302
    action.refresh_from_db()
    assert action.lead_agency == police
    plan_page = client.get(action.objective.priority_area.plan.get_absolute_url()).content.decode()
    assert "Lead agency: Northumbria Police" in plan_page
    client.force_login(people.member)
    assert "Northumbria Police" in client.get(action.get_absolute_url()).content.decode()
    period = quarter_containing(action.objective.priority_area.plan.period_start)
    snapshot = gather_plans(people.board, period, action.objective.priority_area.plan.period_start)
    (gathered,) = [
        a for p in snapshot["plans"] for area in p["areas"] for o in area["objectives"] for a in o["actions"]
    ]
    assert gathered["lead_agency"] == "Northumbria Police"


def test_readers_and_outsiders_cannot_set_a_lead_agency(client, people, action):
    police = AgencyFactory(partnership=people.board.partnership)
    url = reverse("plans:action_edit", args=[action.pk])
    for role in ["member", "executive"]:
        client.force_login(getattr(people, role))
        assert client.post(url, {**action_edit_data(action), "lead_agency": police.pk}).status_code == 403
    client.force_login(people.outsider)
    assert client.post(url, {**action_edit_data(action), "lead_agency": police.pk}).status_code == 404
    action.refresh_from_db()
    assert action.lead_agency is None
