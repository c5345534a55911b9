"""A meeting's action arising is written into a plan: never into an archived one (#15)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from meetings.forms import ActionArisingForm
from meetings.models import ActionArising
from plans.models import Action, PlanStatus
from tests.factories import ObjectiveFactory
from tests.meetings.test_views import meeting  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def arising_data(objective) -> dict:
    # Both date styles, so the test holds whichever date widget the form uses.
    return {
        "objective": objective.pk,
        "description": "Report safeguarding data quarterly",
        "lead_role": "Business Manager",
        "due_date": "2027-01-31",
        "due_date_0": "31",
        "due_date_1": "1",
        "due_date_2": "2027",
    }


def test_an_archived_plans_objectives_are_not_offered(client, people, meeting):  # noqa: F811
    objective = ObjectiveFactory(
        priority_area__plan__board=people.board, priority_area__plan__status=PlanStatus.ARCHIVED
    )
    item = meeting.agenda_items.get()
    client.force_login(people.manager)
    url = reverse("meetings:action_arising_create", args=[item.pk])
    assert objective.description[:40] not in client.get(url).text
    assert client.post(url, arising_data(objective)).status_code == 400
    assert not Action.objects.filter(description="Report safeguarding data quarterly").exists()


def test_a_plan_archived_after_the_form_was_checked_is_refused_inside_the_transaction(people, meeting):  # noqa: F811
    objective = ObjectiveFactory(priority_area__plan__board=people.board)
    form = ActionArisingForm(arising_data(objective), agenda_item=meeting.agenda_items.get())
    assert form.is_valid(), form.errors
    plan = objective.priority_area.plan
    plan.status = PlanStatus.ARCHIVED
    plan.save()
    with pytest.raises(PermissionDenied, match="archived"):
        form.save(people.manager)
    assert not ActionArising.objects.exists()
    assert not Action.objects.filter(description="Report safeguarding data quarterly").exists()
