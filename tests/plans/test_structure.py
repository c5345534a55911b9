"""Managers build and shape a plan: start it, add parts, move them, archive and restore.

(Who may do each of these is in test_permissions.py; here, what each does.)
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from plans.models import Action, BusinessPlan, EvidenceSource, Measure, Objective, PlanStatus, PriorityArea
from tests.factories import ActionFactory, MeasureFactory, ObjectiveFactory, PriorityAreaFactory
from tests.plans.test_permissions import date_fields, db_state, quick_update_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def manager(client, people):
    client.force_login(people.manager)
    return people.manager


def plan_data(**overrides) -> dict:
    return {
        "title": "Business Plan 2027-2029",
        **date_fields("period_start", datetime.date(2027, 4, 1)),
        **date_fields("period_end", datetime.date(2029, 3, 31)),
        **overrides,
    }


# --- Starting a plan and adding its parts -------------------------------------------------


def test_a_manager_starts_a_plan_and_is_taken_to_arrange_it(client, people, manager):
    response = client.post(reverse("plans:plan_create", args=[people.board.slug]), plan_data())
    plan = BusinessPlan.objects.get(title="Business Plan 2027-2029")
    assert response.status_code == 302
    assert response.url == reverse("plans:arrange", args=[plan.pk])
    assert plan.board == people.board
    assert plan.period_start == datetime.date(2027, 4, 1)
    assert plan.history.get().history_user == people.manager
    page = client.get(response.url)
    assert "This plan has no priority areas yet" in page.text


@pytest.mark.parametrize("posted_status", ["approved", "archived"])
def test_a_new_plan_is_always_a_draft_whatever_is_posted(client, people, manager, posted_status):
    """Approval is its own recorded step: the plan form offers no status, and ignores one posted."""
    page = client.get(reverse("plans:plan_create", args=[people.board.slug]))
    assert 'name="status"' not in page.text
    response = client.post(
        reverse("plans:plan_create", args=[people.board.slug]), plan_data(status=posted_status)
    )
    assert response.status_code == 302
    plan = BusinessPlan.objects.get()
    assert plan.status == PlanStatus.DRAFT
    assert plan.approved_at is None and plan.approved_by is None


def test_a_second_plan_with_the_same_title_and_start_is_refused_with_input_kept(client, people, manager, own):
    data = plan_data(title=own.plan.title, **date_fields("period_start", own.plan.period_start))
    data.update(date_fields("period_end", own.plan.period_start + datetime.timedelta(days=700)))
    before = db_state()
    response = client.post(reverse("plans:plan_create", args=[people.board.slug]), data)
    assert response.status_code == 200
    assert "already has a plan with this title" in response.text
    assert f'value="{own.plan.title}"' in response.text
    assert db_state() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (plan_data(title="x" * 251), "Ensure this value has at most 250 characters"),
        (plan_data(period_end_0="31", period_end_1="2", period_end_2="2029"), "End date must be a real date"),
        (
            plan_data(**date_fields("period_end", datetime.date(2027, 1, 1))),
            "End date must be after the start date",
        ),
        (plan_data(title=""), "This field is required"),
    ],
    ids=["over-long title", "impossible date", "ends before it starts", "no title"],
)
def test_bad_plan_input_is_refused_with_a_message(client, people, manager, data, message):
    response = client.post(reverse("plans:plan_create", args=[people.board.slug]), data)
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert not BusinessPlan.objects.exists()


def test_parts_are_added_at_the_end_of_their_lists(client, own, manager):
    client.post(
        reverse("plans:priority_area_create", args=[own.plan.pk]),
        {"number": 2, "title": "Early Help", "wider_plan_link": "CYPP priority outcome 5"},
    )
    area = PriorityArea.objects.get(plan=own.plan, number=2)
    assert area.history.get().history_user == manager

    response = client.post(
        reverse("plans:objective_create", args=[area.pk]),
        {
            "number": "2.1",
            "description": "Families get help early",
            "evidence": "Peer review 2011\n\n  Serious Case Review action plan  ",
        },
    )
    objective = Objective.objects.get(priority_area=area)
    assert response.url.endswith(f"#objective-{objective.pk}")
    assert objective.position == 1
    assert [s.text for s in objective.evidence_sources.all()] == [
        "Peer review 2011",
        "Serious Case Review action plan",
    ]

    client.post(reverse("plans:measure_create", args=[own.objective.pk]), {"description": "NI65 falls"})
    assert list(own.objective.measures.values_list("position", "description")) == [
        (1, "NI64 reduced"),
        (2, "NI65 falls"),
    ]


def test_the_forms_suggest_the_next_number(client, own, manager):
    page = client.get(reverse("plans:priority_area_create", args=[own.plan.pk]))
    assert 'name="number" value="2"' in page.text
    page = client.get(reverse("plans:objective_create", args=[own.area.pk]))
    assert 'name="number" value="1.2"' in page.text


@pytest.mark.parametrize(
    ("number", "message"),
    [(1, "Priority area 1 already exists in this plan"), (0, "Number must be 1 or more")],
)
def test_a_priority_area_number_must_be_free_and_positive(client, own, manager, number, message):
    before = db_state()
    response = client.post(
        reverse("plans:priority_area_create", args=[own.plan.pk]),
        {"number": number, "title": "Early Help", "wider_plan_link": ""},
    )
    assert response.status_code == 200
    assert message in response.text
    assert 'value="Early Help"' in response.text
    assert db_state() == before


def test_evidence_lines_are_checked(client, own, manager):
    response = client.post(
        reverse("plans:objective_create", args=[own.area.pk]),
        {"number": "1.2", "description": "An objective", "evidence": "ok\n" + "x" * 501},
    )
    assert "Line 2 is too long" in response.text
    assert not Objective.objects.filter(number="1.2").exists()


def test_editing_an_objective_replaces_its_evidence_and_records_it(client, own, manager):
    EvidenceSource.objects.create(objective=own.objective, position=1, text="Audit 2010")
    response = client.post(
        reverse("plans:edit", args=["objective", own.objective.pk]),
        {
            "number": "1.1",
            "description": own.objective.description,
            "evidence": "Audit 2010\nOfsted inspection 2011",
            "based_on_version": own.objective.version,
        },
    )
    assert response.status_code == 302
    assert [s.text for s in own.objective.evidence_sources.all()] == ["Audit 2010", "Ofsted inspection 2011"]
    assert EvidenceSource.history.filter(text="Ofsted inspection 2011", history_type="+").exists()


def test_html_in_a_new_part_is_shown_escaped(client, own, manager):
    client.post(
        reverse("plans:objective_create", args=[own.area.pk]),
        {"number": "1.2", "description": "<script>alert(1)</script>", "evidence": "<b>bold</b>"},
    )
    page = client.get(reverse("plans:arrange", args=[own.plan.pk]))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text


def test_a_tampered_parent_of_another_board_answers_404(client, own, other, manager):
    before = db_state()
    for url in (
        reverse("plans:priority_area_create", args=[other.plan.pk]),
        reverse("plans:objective_create", args=[other.area.pk]),
        reverse("plans:measure_create", args=[other.objective.pk]),
        reverse("plans:move", args=["action", other.led.pk]),
    ):
        assert (
            client.post(url, {"number": 3, "title": "x", "description": "x", "direction": "up"}).status_code
            == 404
        )
    assert db_state() == before


# --- Moving parts ----------------------------------------------------------------------------


def test_moving_an_action_up_swaps_it_with_the_one_above_and_records_both(client, own, manager):
    response = client.post(reverse("plans:move", args=["action", own.unled.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert response.url.endswith(f"#action-{own.unled.pk}")
    assert list(own.objective.actions.values_list("pk", flat=True)) == [own.unled.pk, own.led.pk]
    for action in (own.led, own.unled):
        latest = action.history.latest("history_id")
        assert latest.history_change_reason == "Moved"
        assert latest.history_user == manager


def test_moving_the_first_part_up_changes_nothing(client, own, manager):
    before = db_state()
    client.post(reverse("plans:move", args=["action", own.led.pk]), {"direction": "up"})
    assert db_state() == before
    page = client.get(reverse("plans:arrange", args=[own.plan.pk]))
    assert "The action is already first, so nothing moved." in page.text


def test_moving_a_priority_area_renumbers_it_and_its_objectives(client, own, manager):
    second = PriorityAreaFactory(plan=own.plan, number=2, title="Early Help")
    second_objective = ObjectiveFactory(priority_area=second, number="2.1", position=1)
    ObjectiveFactory(priority_area=own.area, number="A", position=2)  # not numbered after its area
    client.post(reverse("plans:move", args=["priority-area", second.pk]), {"direction": "up"})
    second.refresh_from_db()
    own.area.refresh_from_db()
    second_objective.refresh_from_db()
    assert (second.number, own.area.number) == (1, 2)
    assert second_objective.number == "1.1"
    assert set(own.area.objectives.values_list("number", flat=True)) == {"2.1", "A"}


def test_moving_measures_and_objectives(client, own, manager):
    measure = MeasureFactory(objective=own.objective, position=2, description="NI65")
    objective = ObjectiveFactory(priority_area=own.area, number="1.2", position=2)
    client.post(reverse("plans:move", args=["measure", own.measure.pk]), {"direction": "down"})
    client.post(reverse("plans:move", args=["objective", objective.pk]), {"direction": "up"})
    assert list(own.objective.measures.values_list("pk", flat=True)) == [measure.pk, own.measure.pk]
    assert list(own.area.objectives.values_list("pk", flat=True)) == [objective.pk, own.objective.pk]


def test_a_move_with_htmx_answers_the_list_and_focuses_the_moved_button(client, own, manager):
    response = client.post(
        reverse("plans:move", args=["action", own.unled.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.text
    assert 'id="plan-structure"' in html
    assert 'hx-swap-oob="true"' in html and "Moved the action up." in html
    # Now first: its "Move up" is disabled, so focus goes to its "Move down".
    moved_url = reverse("plans:move", args=["action", own.unled.pk])
    moved_form = html.split(f'hx-post="{moved_url}"')[1].split("</form>")[0]
    assert 'value="up" class="app-text-button" disabled' in moved_form
    assert 'value="down" class="app-text-button" data-focus-after-swap' in moved_form
    assert html.count("data-focus-after-swap") == 1


@pytest.mark.parametrize(
    ("kind", "direction"), [("plan", "up"), ("evidence", "up"), ("action", "sideways"), ("action", "")]
)
def test_a_tampered_move_answers_404(client, own, manager, kind, direction):
    before = db_state()
    response = client.post(reverse("plans:move", args=[kind, own.led.pk]), {"direction": direction})
    assert response.status_code == 404
    assert db_state() == before


def test_the_plan_page_shows_the_new_order_at_once(client, own, manager):
    """A move bumps the plan's content version, which keys the cached plan page."""
    first = client.get(own.plan.get_absolute_url()).text
    assert first.index(own.led.description) < first.index(own.unled.description)
    client.post(reverse("plans:move", args=["action", own.unled.pk]), {"direction": "up"})
    second = client.get(own.plan.get_absolute_url()).text
    assert second.index(own.unled.description) < second.index(own.led.description)


def test_the_arrange_page_costs_the_same_for_a_bigger_plan(
    client, own, manager, django_assert_max_num_queries
):
    url = reverse("plans:arrange", args=[own.plan.pk])
    with django_assert_max_num_queries(11):
        client.get(url)
    for number in range(2, 6):
        area = PriorityAreaFactory(plan=own.plan, number=number)
        for position in range(1, 4):
            objective = ObjectiveFactory(priority_area=area, number=f"{number}.{position}", position=position)
            EvidenceSource.objects.create(objective=objective, position=1, text="Audit")
            MeasureFactory(objective=objective, position=1)
            for action_position in range(1, 4):
                ActionFactory(objective=objective, position=action_position)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.text.count("Move up") > 60


# --- Removing parts ---------------------------------------------------------------------------


def test_a_measure_is_removed_after_confirmation_and_history_keeps_it(client, own, manager):
    url = reverse("plans:remove", args=["measure", own.measure.pk])
    confirm = client.get(url)
    assert "Remove this measure?" in confirm.text
    assert "NI64 reduced" in confirm.text
    response = client.post(url)
    assert response.status_code == 302
    assert not Measure.objects.filter(pk=own.measure.pk).exists()
    removed = Measure.history.get(id=own.measure.pk, history_type="-")
    assert removed.history_user == manager
    assert removed.description == "NI64 reduced"


def test_an_objective_with_actions_is_not_removed(client, own, manager):
    before = db_state()
    response = client.post(reverse("plans:remove", args=["objective", own.objective.pk]))
    assert response.status_code == 409
    assert "actions are never removed" in response.text
    assert "status to Deferred instead" in response.text
    assert db_state() == before


def test_an_empty_objective_goes_with_its_evidence_and_measures(client, own, manager):
    empty = ObjectiveFactory(priority_area=own.area, number="1.2", position=2)
    EvidenceSource.objects.create(objective=empty, position=1, text="Audit")
    MeasureFactory(objective=empty, position=1)
    arrange = client.get(reverse("plans:arrange", args=[own.plan.pk])).text
    assert reverse("plans:remove", args=["objective", empty.pk]) in arrange
    assert reverse("plans:remove", args=["objective", own.objective.pk]) not in arrange
    client.post(reverse("plans:remove", args=["objective", empty.pk]))
    assert not Objective.objects.filter(pk=empty.pk).exists()
    assert not EvidenceSource.objects.filter(objective_id=empty.pk).exists()
    assert EvidenceSource.history.filter(objective_id=empty.pk, history_type="-").exists()


def test_a_priority_area_is_removed_only_when_empty(client, own, manager):
    response = client.post(reverse("plans:remove", args=["priority-area", own.area.pk]))
    assert response.status_code == 409
    assert "still has objectives" in response.text
    empty = PriorityAreaFactory(plan=own.plan, number=2)
    assert client.post(reverse("plans:remove", args=["priority-area", empty.pk])).status_code == 302
    assert list(own.plan.priority_areas.values_list("number", flat=True)) == [1]


@pytest.mark.parametrize("kind", ["action", "plan", "evidence"])
def test_actions_and_plans_cannot_be_removed(client, own, manager, kind):
    pk = own.led.pk if kind == "action" else own.plan.pk
    before = db_state()
    assert client.post(reverse("plans:remove", args=[kind, pk])).status_code == 404
    assert db_state() == before


# --- Archiving -------------------------------------------------------------------------------


def test_archiving_asks_first_then_makes_the_plan_read_only(client, own, manager):
    own.plan.status = PlanStatus.APPROVED
    own.plan.save()
    confirm = client.get(reverse("plans:archive", args=[own.plan.pk]))
    assert "Archive this plan?" in confirm.text
    assert own.plan.status == PlanStatus.APPROVED
    response = client.post(reverse("plans:archive", args=[own.plan.pk]))
    assert response.status_code == 302
    own.plan.refresh_from_db()
    assert own.plan.status == PlanStatus.ARCHIVED
    assert own.plan.history.latest("history_id").history_change_reason == "Archived"
    page = client.get(own.plan.get_absolute_url()).text
    assert "This plan is archived." in page
    assert "Restore this plan" in page
    for link in ("Edit plan", "Add to or rearrange", "Archive this plan", "Add action", "Edit priority area"):
        assert link not in page
    action_page = client.get(own.led.get_absolute_url()).text
    assert "Edit action" not in action_page
    assert "Add a progress update" not in action_page


def test_nobody_can_change_an_archived_plan(client, people, own, manager):
    own.plan.status = PlanStatus.ARCHIVED
    own.plan.save()
    writes = [
        (people.chair, reverse("plans:action_update", args=[own.led.pk]), quick_update_data(own.led)),
        (
            people.chair,
            reverse("plans:due_date_request", args=[own.led.pk]),
            {**date_fields("new_due_date", datetime.date(2027, 6, 30)), "reason": "Delay."},
        ),
        (people.manager, reverse("plans:action_update", args=[own.led.pk]), quick_update_data(own.led)),
        (
            people.manager,
            reverse("plans:edit", args=["plan", own.plan.pk]),
            plan_data(based_on_version=own.plan.version),
        ),
        (
            people.manager,
            reverse("plans:priority_area_create", args=[own.plan.pk]),
            {"number": 2, "title": "x"},
        ),
        (
            people.manager,
            reverse("plans:objective_create", args=[own.area.pk]),
            {"number": "1.2", "description": "x"},
        ),
        (people.manager, reverse("plans:measure_create", args=[own.objective.pk]), {"description": "x"}),
        (people.manager, reverse("plans:action_create", args=[own.objective.pk]), {"description": "x"}),
        (people.manager, reverse("plans:move", args=["action", own.unled.pk]), {"direction": "up"}),
        (people.manager, reverse("plans:due_date_decide", args=[own.request.pk]), {"decision": "approve"}),
        (people.manager, reverse("plans:arrange", args=[own.plan.pk]), None),
    ]
    before = db_state()
    for user, url, data in writes:
        client.force_login(user)
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 403, url
        assert "This plan is archived" in response.text, url
    assert db_state() == before
    client.force_login(people.chair)
    assert own.led.description not in client.get(reverse("plans:my_actions")).text


def test_restoring_puts_back_the_status_it_had(client, own, manager):
    own.plan.status = PlanStatus.APPROVED
    own.plan.save()
    client.post(reverse("plans:archive", args=[own.plan.pk]))
    response = client.post(reverse("plans:restore", args=[own.plan.pk]))
    assert response.status_code == 302
    own.plan.refresh_from_db()
    assert own.plan.status == PlanStatus.APPROVED
    assert own.plan.history.latest("history_id").history_change_reason == "Restored"
    assert "Edit plan" in client.get(own.plan.get_absolute_url()).text


def test_a_plan_archived_while_the_form_was_sent_is_not_changed(client, own, manager, monkeypatch):
    """The archive is checked again inside the transaction that writes: here it
    happens after the view's first check (which is skipped to stand for the race)."""
    page = client.get(reverse("plans:edit", args=["measure", own.measure.pk]))
    assert page.status_code == 200
    monkeypatch.setattr("plans.views.require_open", lambda plan: None)
    BusinessPlan.objects.filter(pk=own.plan.pk).update(status=PlanStatus.ARCHIVED)
    before = db_state()
    response = client.post(
        reverse("plans:edit", args=["measure", own.measure.pk]),
        {"description": "Changed", "indicator_code": "", "based_on_version": own.measure.version},
    )
    assert response.status_code == 403
    assert db_state() == before
    assert Measure.objects.get(pk=own.measure.pk).description == "NI64 reduced"
    assert Action.objects.filter(objective=own.objective).count() == 2


def test_an_archived_plan_offers_no_import_and_refuses_one(client, own, manager):
    own.plan.status = PlanStatus.ARCHIVED
    own.plan.save()
    upload_url = reverse("plans:transfer:upload_into_plan", args=[own.plan.pk])
    assert upload_url not in client.get(own.plan.get_absolute_url()).text
    response = client.get(upload_url)
    assert response.status_code == 403
    assert "This plan is archived" in response.text


def test_an_empty_plan_page_points_the_manager_to_its_first_priority_area(client, people, manager):
    client.post(reverse("plans:plan_create", args=[people.board.slug]), plan_data())
    plan = BusinessPlan.objects.get()
    page = client.get(plan.get_absolute_url()).text
    assert "This plan has no priority areas yet." in page
    assert reverse("plans:priority_area_create", args=[plan.pk]) in page
    client.force_login(people.member)
    page = client.get(plan.get_absolute_url()).text
    assert "This plan has no priority areas yet." in page
    assert reverse("plans:priority_area_create", args=[plan.pk]) not in page
