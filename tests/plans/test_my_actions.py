"""My actions: ordering, the htmx row update and the no-JavaScript form post."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from boards.models import Role
from plans.models import ProgressUpdate
from tests.factories import ActionFactory, MembershipFactory, ProgressUpdateFactory
from tests.plans.conftest import make_board_plan
from tests.plans.test_permissions import quick_update_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def test_overdue_first_then_due_within_30_days_then_the_rest(client, people, own):
    objective = own.objective
    later = ActionFactory(objective=objective, description="Later one", responsible=people.chair)
    later.due_date = datetime.date(2027, 6, 30)
    later.save()
    soon = ActionFactory(
        objective=objective,
        description="Soon one",
        responsible=people.chair,
        due_date=datetime.date(2026, 12, 10),
    )
    overdue = ActionFactory(
        objective=objective,
        description="Overdue one",
        responsible=people.chair,
        due_date=datetime.date(2026, 10, 31),
    )
    done = ActionFactory(
        objective=objective,
        description="Done one",
        responsible=people.chair,
        due_date=datetime.date(2026, 9, 30),
        status="complete",
        completed_on=datetime.date(2026, 9, 1),
    )
    client.force_login(people.chair)
    text = client.get(reverse("plans:my_actions")).text
    order = [text.index(a.description) for a in (overdue, soon, later, done)]
    assert order == sorted(order)
    assert "Overdue <span" in text and "Due within 30 days" in text and "Complete" in text


def test_my_actions_spans_boards_and_shows_plan_priority_and_latest_update(client, people, own):
    MembershipFactory(user=people.chair, board=people.other_board, role=Role.CHAIR)
    elsewhere = make_board_plan(people.other_board, chair=people.chair)
    ProgressUpdateFactory(action=elsewhere.led, text="Latest news from LSCB", date=datetime.date(2026, 11, 1))
    client.force_login(people.chair)
    text = client.get(reverse("plans:my_actions")).text
    assert "SSCB: SSCB Business Plan" in text and "LSCB: LSCB Business Plan" in text
    assert "1 – Child Protection" in text
    assert "Latest news from LSCB" in text


def test_my_actions_query_count_is_fixed(client, people, own, django_assert_max_num_queries):
    """The latest progress is a subquery and the plan comes by select_related: no query per row."""
    for i in range(30):
        ProgressUpdateFactory(
            action=ActionFactory(objective=own.objective, responsible=people.chair, description=f"Mine {i}")
        )
    client.force_login(people.chair)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plans:my_actions"))
    assert response.text.count('class="app-my-action"') == 31


def test_htmx_update_returns_the_row_alone_with_the_new_state(client, people, own):
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-rag": "red"}
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.strip().startswith(f'<li class="app-my-action" id="my-action-{own.led.pk}"')
    assert "Saved" in response.text
    assert "Terms of reference agreed." in response.text  # the latest update shows the new note
    assert "govuk-tag--red" in response.text
    own.led.refresh_from_db()
    assert own.led.rag == "red"


def test_htmx_update_with_an_error_returns_the_row_with_the_error(client, people, own):
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-text": "z" * 6000}
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "There is a problem" in response.text
    assert "Progress update must be 5,000 characters or fewer" in response.text


def test_without_javascript_the_form_posts_and_redirects_back(client, people, own):
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), "next": reverse("plans:my_actions") + f"#my-action-{own.led.pk}"}
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("plans:my_actions") + f"#my-action-{own.led.pk}"
    page = client.get(response.url).text
    assert "was saved" in page
    assert ProgressUpdate.objects.filter(action=own.led, author=people.chair).count() == 1


def test_an_off_site_next_is_ignored(client, people, own):
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), "next": "https://evil.example/"}
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert response.url == own.led.get_absolute_url()


def test_completing_an_action_records_the_completion_date(client, people, own):
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-status": "complete"}
    client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    own.led.refresh_from_db()
    assert own.led.status == "complete"
    assert own.led.completed_on == datetime.date(2026, 11, 23)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-status": "in_progress"}
    client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    own.led.refresh_from_db()
    assert own.led.completed_on is None


def test_the_header_links_to_my_actions(client, people):
    client.force_login(people.member)
    assert f'href="{reverse("plans:my_actions")}"' in client.get(reverse("boards:home")).text


def test_each_quick_update_form_is_drawn_once_per_state_of_its_action(client, people, own, monkeypatch):
    """plans.quick_form_html: My actions serves a row's unbound form from the process's
    copy, the same HTML crispy-forms-gds draws, and draws it again once the action changes."""
    from crispy_forms.utils import render_crispy_form

    from plans import quick_form_html
    from plans.forms import QuickUpdateForm

    quick_form_html.clear()
    drawn = []
    real = quick_form_html.render_crispy_form
    monkeypatch.setattr(quick_form_html, "render_crispy_form", lambda form: drawn.append(form) or real(form))
    action = ActionFactory(
        objective=own.objective, responsible=people.chair, status="in_progress", rag="green"
    )
    client.force_login(people.chair)
    first = client.get(reverse("plans:my_actions")).text
    second = client.get(reverse("plans:my_actions")).text
    assert str(render_crispy_form(QuickUpdateForm(action=action))) in second
    rows = [form.action.pk for form in drawn]  # the chair's other actions in `own` too
    assert action.pk in rows and len(rows) == len(set(rows))  # each drawn once, for two views
    assert str(render_crispy_form(QuickUpdateForm(action=action))) in first

    response = client.post(
        reverse("plans:action_update", args=[action.pk]),
        quick_update_data(action),  # RAG green → amber
    )
    assert response.status_code == 302
    action.refresh_from_db()
    page = client.get(reverse("plans:my_actions")).text
    assert [form.action.pk for form in drawn[len(rows) :]] == [action.pk]  # only the changed one
    assert str(render_crispy_form(QuickUpdateForm(action=action))) in page
    assert f'value="{action.version}"' in page
