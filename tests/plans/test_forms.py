"""Bad input is refused with a clear message, the input kept, and nothing written."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from plans.models import Action, DueDateChange, ProgressUpdate
from tests.plans.test_permissions import (
    action_edit_data,
    date_fields,
    db_state,
    plan_edit_data,
    quick_update_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def test_over_long_progress_is_refused_with_a_clear_message(client, people, own):
    client.force_login(people.chair)
    data = quick_update_data(own.led)
    data[f"action-{own.led.pk}-text"] = "x" * 5001
    before = db_state()
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert response.status_code == 200
    assert "Progress update must be 5,000 characters or fewer (you entered 5001)" in response.text
    assert "There is a problem" in response.text
    assert "x" * 5001 in response.text  # the input is kept
    assert db_state() == before


def test_html_and_script_in_progress_are_stored_as_typed_and_shown_escaped(client, people, own):
    text = '<script>alert("x")</script><b>bold</b> & <img src=x onerror=alert(1)>'
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-text": text}
    client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert ProgressUpdate.objects.filter(action=own.led, text=text).exists()
    for url in (own.led.get_absolute_url(), own.plan.get_absolute_url(), reverse("plans:my_actions")):
        # The plan table is drawn by Jinja2, whose escaping spells a double quote &#34;.
        page = client.get(url).text.replace("&#34;", "&quot;")
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_an_empty_update_is_refused(client, people, own):
    client.force_login(people.chair)
    data = {
        **quick_update_data(own.led),
        f"action-{own.led.pk}-text": "   ",
        f"action-{own.led.pk}-rag": "green",
    }
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert "Enter a progress update, or change the status or RAG rating" in response.text


def test_an_unknown_status_is_refused(client, people, own):
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-status": "abandoned"}
    before = db_state()
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert "Select a valid choice" in response.text
    assert db_state() == before


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2027", "Due date must be a real date"),
        ("0", "13", "2027", "Due date must be a real date"),
        ("1", "1", "1999", "Due date must be between 2000 and 2100"),
        ("x", "3", "2027", "Due date must be a real date"),
        ("", "3", "2027", "Due date must include a day"),
        ("1", "3", "27", "Due date year must include 4 numbers"),
    ],
)
def test_impossible_due_dates_are_refused(client, people, own, day, month, year, message):
    client.force_login(people.manager)
    data = {
        **action_edit_data(own.led),
        "due_date_0": day,
        "due_date_1": month,
        "due_date_2": year,
        "due_date_reason": "Moved",
    }
    before = db_state()
    response = client.post(reverse("plans:action_edit", args=[own.led.pk]), data)
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{year}"' in response.text  # input kept
    assert db_state() == before


def test_a_plan_that_ends_before_it_starts_is_refused(client, people, own):
    client.force_login(people.manager)
    data = {**plan_edit_data(own.plan), **date_fields("period_end", datetime.date(2025, 1, 1))}
    response = client.post(reverse("plans:edit", args=["plan", own.plan.pk]), data)
    assert "End date must be after the start date" in response.text


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("objective", "Choose an objective from the list"),
        ("lead_sub_committee", "Select a valid choice"),
        ("responsible", "Choose a person from the list, or leave the box empty for none"),
    ],
)
def test_tampered_ids_of_another_board_are_refused(client, people, own, other, field, message):
    """Moving an action under another board's objective, or naming another board's
    sub-committee or user as its lead, is an invalid choice: nothing is written."""
    foreign = {"objective": other.objective.pk, "lead_sub_committee": other.led.lead_sub_committee_id}
    foreign["responsible"] = people.outsider.pk
    client.force_login(people.manager)
    data = {**action_edit_data(own.led), field: foreign[field]}
    before = db_state()
    response = client.post(reverse("plans:action_edit", args=[own.led.pk]), data)
    assert response.status_code == 200
    assert message in response.text
    assert db_state() == before


def test_a_tampered_action_id_in_an_update_post_answers_404(client, people, own, other):
    """The form's fields are prefixed with its action; posting them to another board's
    action URL finds nothing the user may see."""
    client.force_login(people.chair)
    before = db_state()
    response = client.post(reverse("plans:action_update", args=[other.led.pk]), quick_update_data(own.led))
    assert response.status_code == 404
    assert db_state() == before


def test_a_tampered_version_is_refused(client, people, own):
    client.force_login(people.manager)
    data = {**action_edit_data(own.led), "based_on_version": "abc"}
    response = client.post(reverse("plans:action_edit", args=[own.led.pk]), data)
    assert response.status_code == 200
    own.led.refresh_from_db()
    assert not own.led.description.endswith("(revised)")


def test_a_due_date_after_the_plan_needs_confirmation(client, people, own):
    client.force_login(people.manager)
    url = reverse("plans:action_edit", args=[own.led.pk])
    data = {
        **action_edit_data(own.led),
        **date_fields("due_date", datetime.date(2028, 6, 30)),
        "due_date_reason": "Regional work slipped.",
    }
    response = client.post(url, data)
    assert "This date is after the plan ends (March 2028). Tick to confirm" in response.text
    assert 'name="confirm_outside_period"' in response.text
    own.led.refresh_from_db()
    assert own.led.due_date == datetime.date(2026, 12, 31)
    response = client.post(url, {**data, "confirm_outside_period": "on"})
    assert response.status_code == 302
    own.led.refresh_from_db()
    assert own.led.due_date == datetime.date(2028, 6, 30)


def test_a_due_date_before_the_plan_needs_confirmation(client, people, own):
    client.force_login(people.chair)
    response = client.post(
        reverse("plans:due_date_request", args=[own.led.pk]),
        {**date_fields("new_due_date", datetime.date(2026, 1, 31)), "reason": "Already done"},
    )
    assert "This date is before the plan starts (April 2026). Tick to confirm" in response.text
    assert not DueDateChange.objects.filter(action=own.led).exists()


def test_changing_the_due_date_needs_a_reason(client, people, own):
    client.force_login(people.manager)
    data = {**action_edit_data(own.led), **date_fields("due_date", datetime.date(2027, 3, 31))}
    response = client.post(reverse("plans:action_edit", args=[own.led.pk]), data)
    assert "Enter the reason for changing the due date" in response.text
    assert Action.objects.get(pk=own.led.pk).due_date == datetime.date(2026, 12, 31)


def test_over_long_objective_is_refused(client, people, own):
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:edit", args=["objective", own.objective.pk]),
        {"number": "1.1", "description": "y" * 2001, "based_on_version": own.objective.version},
    )
    assert "What do we want to achieve? must be 2,000 characters or fewer (you entered 2001)" in response.text


def test_a_duplicate_priority_area_number_is_refused(client, people, own):
    from tests.factories import PriorityAreaFactory

    PriorityAreaFactory(plan=own.plan, number=2)
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:edit", args=["priority-area", own.area.pk]),
        {"number": 2, "title": "Clash", "wider_plan_link": "", "based_on_version": own.area.version},
    )
    assert "Priority area 2 already exists in this plan" in response.text


def test_invalid_filters_show_a_message_and_do_not_crash(client, people, own):
    client.force_login(people.member)
    response = client.get(own.plan.get_absolute_url() + "?due_within=soon&status=bogus&area=-1")
    assert response.status_code == 200
    assert "Due within must be a whole number of days, like 30" in response.text


def test_an_agreed_due_date_outside_the_plan_needs_no_new_confirmation(client, people, own):
    own.led.due_date = datetime.date(2028, 6, 30)
    own.led.save()
    client.force_login(people.manager)
    data = {**action_edit_data(own.led), "description": "Reworded"}
    assert client.post(reverse("plans:action_edit", args=[own.led.pk]), data).status_code == 302


def test_the_error_summary_links_to_the_first_box_of_a_date(client, people, own):
    client.force_login(people.chair)
    response = client.post(
        reverse("plans:due_date_request", args=[own.led.pk]),
        {
            **date_fields("new_due_date", datetime.date(2027, 3, 31)),
            "new_due_date_0": "31",
            "new_due_date_1": "2",
        },
    )
    assert 'href="#id_new_due_date_0"' in response.text
    assert 'id="id_new_due_date_0"' in response.text


def _new_action_data(objective) -> dict:
    return {
        "objective": objective.pk,
        "description": "Run a multi-agency audit of core groups",
        "lead_role": "Chair of QA",
        "lead_sub_committee": "",
        "responsible": "",
        "deferred_to": "",
        **date_fields("due_date", datetime.date(2027, 3, 1)),
        "due_precision": "month",
        "status": "not_started",
        "rag": "",
        "due_date_reason": "",
    }


def test_manager_adds_an_action_at_the_end_of_the_objective(client, people, own):
    client.force_login(people.manager)
    url = reverse("plans:action_create", args=[own.objective.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _new_action_data(own.objective))
    assert response.status_code == 302
    action = Action.objects.get(description="Run a multi-agency audit of core groups")
    assert action.position == 3
    assert action.due_date == datetime.date(2027, 3, 31)
    assert action.history.get().history_user == people.manager
    assert action.description in client.get(own.plan.get_absolute_url()).text


@pytest.mark.parametrize(("role", "status"), [("chair", 403), ("member", 403), ("outsider", 404)])
def test_only_managers_of_the_board_add_actions(client, people, own, role, status):
    client.force_login(getattr(people, role))
    before = db_state()
    response = client.post(
        reverse("plans:action_create", args=[own.objective.pk]), _new_action_data(own.objective)
    )
    assert response.status_code == status
    assert db_state() == before


def test_a_new_action_under_another_boards_objective_is_refused(client, people, own, other):
    client.force_login(people.manager)
    before = db_state()
    response = client.post(
        reverse("plans:action_create", args=[own.objective.pk]),
        {**_new_action_data(own.objective), "objective": other.objective.pk},
    )
    assert "Choose an objective from the list" in response.text
    assert db_state() == before


# --- Issue 14, point 9: the due date on the action forms -------------------------------------


def test_a_new_action_asks_for_no_reason_for_changing_its_due_date(client, people, own):
    client.force_login(people.manager)
    url = reverse("plans:action_create", args=[own.objective.pk])
    page = client.get(url).text
    assert "due_date_reason" not in page
    assert "Reason for changing the due date" not in page
    data = {key: value for key, value in _new_action_data(own.objective).items() if key != "due_date_reason"}
    assert client.post(url, data).status_code == 302


def test_editing_an_action_asks_for_the_reason_only_when_its_date_moves(client, people, own):
    client.force_login(people.manager)
    page = client.get(reverse("plans:action_edit", args=[own.led.pk])).text
    assert "Reason for changing the due date (only if you change it)" in page


def test_the_timescale_question_says_what_month_and_day_mean(client, people, own):
    client.force_login(people.manager)
    page = client.get(reverse("plans:action_create", args=[own.objective.pk])).text
    assert "The timescale is a" not in page
    assert "Is the action due in a month or on a day?" in page
    assert "In a month, by its last day (the plan shows, for example, December 2026)" in page
    assert "On a day (the plan shows, for example, 14 December 2026)" in page


def test_a_manager_changes_the_due_date_at_once(client, people, own):
    client.force_login(people.manager)
    page = client.get(reverse("plans:due_date_request", args=[own.led.pk])).text
    assert '<h1 class="govuk-heading-l">Change the due date</h1>' in page
    assert 'value="Change the due date"' in page
    assert "your change applies at once" in page
    assert "Ask for" not in page


def test_a_chair_asks_for_a_new_due_date(client, people, own):
    client.force_login(people.chair)
    page = client.get(reverse("plans:due_date_request", args=[own.led.pk])).text
    assert '<h1 class="govuk-heading-l">Ask for a new due date</h1>' in page
    assert 'value="Ask for this due date"' in page
    assert "A manager of the board approves or refuses your request" in page


def test_the_current_due_date_is_followed_by_its_full_stop_without_a_space(client, people, own):
    client.force_login(people.chair)
    page = " ".join(client.get(reverse("plans:due_date_request", args=[own.led.pk])).text.split())
    assert f"Currently due: {own.led.timescale}. The plan runs" in page


def test_a_date_with_a_missing_month_links_the_summary_to_the_month_box(client, people, own):
    client.force_login(people.chair)
    before = db_state()
    response = client.post(
        reverse("plans:due_date_request", args=[own.led.pk]),
        {"new_due_date_0": "31", "new_due_date_1": "", "new_due_date_2": "2027", "reason": "Later"},
    )
    assert '<a href="#id_new_due_date_1">New due date must include a month</a>' in response.text
    assert db_state() == before
