"""The permission matrix: every URL of the plans app × every role × an object of the
user's own board and of another board, with the exact status, and nothing written
to the database on a refused write.

Roles: anonymous → 302 to sign in; outsiders (another board's manager) → 404;
readers (member, executive) → 403 on writes; a chair writes only the actions
they lead; the board's manager writes everything of the board.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse

from plans.models import (
    Action,
    BusinessPlan,
    DueDateChange,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
)
from tests.plans.conftest import BoardPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


ROLES = ["anonymous", "member", "executive", "chair", "manager"]


def db_state() -> list:
    """Every row the plans views could write, with its version and history size."""
    state = []
    for model in (
        BusinessPlan,
        PriorityArea,
        Objective,
        EvidenceSource,
        Action,
        Measure,
        ProgressUpdate,
        DueDateChange,
    ):
        state.append(sorted(model.objects.values_list()))
        if hasattr(model, "history"):  # the due-date ledger is only added to: no history
            state.append(model.history.count())
    return state


def date_fields(name: str, value: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def quick_update_data(action: Action) -> dict:
    prefix = f"action-{action.pk}"
    return {
        f"{prefix}-text": "Terms of reference agreed.",
        f"{prefix}-status": "in_progress",
        f"{prefix}-rag": "amber",
        f"{prefix}-based_on_version": action.version,
    }


def action_edit_data(action: Action) -> dict:
    return {
        "objective": action.objective_id,
        "description": action.description + " (revised)",
        "lead_role": action.lead_role,
        "lead_sub_committee": action.lead_sub_committee_id or "",
        "responsible": "",
        "deferred_to": "",
        **date_fields("due_date", action.due_date),
        "due_precision": action.due_precision,
        "status": action.status,
        "rag": action.rag,
        "due_date_reason": "",
        "based_on_version": action.version,
    }


def plan_edit_data(plan: BusinessPlan) -> dict:
    return {
        "title": plan.title + " (revised)",
        **date_fields("period_start", plan.period_start),
        **date_fields("period_end", plan.period_end),
        "status": plan.status,
        "based_on_version": plan.version,
    }


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[BoardPlan], str]
    # Expected status on the user's own board, per role; another board answers
    # 404 to every role of this board, and its own manager gets the "manager" status.
    expected: dict[str, int]
    data: Callable[[BoardPlan], dict] | None = None
    # Run once on each board's plan before the runs (e.g. make it a draft to approve).
    prepare: Callable[[BoardPlan], None] | None = None


def make_draft(board_plan: BoardPlan) -> None:
    BusinessPlan.objects.filter(pk=board_plan.plan.pk).update(status="draft", approved_at=None)


READ = {"anonymous": 302, "member": 200, "executive": 200, "chair": 200, "manager": 200}
MANAGE_GET = {"anonymous": 302, "member": 403, "executive": 403, "chair": 403, "manager": 200}
MANAGE_POST = {"anonymous": 302, "member": 403, "executive": 403, "chair": 403, "manager": 302}
LEAD_GET = {"anonymous": 302, "member": 403, "executive": 403, "chair": 200, "manager": 200}
LEAD_POST = {"anonymous": 302, "member": 403, "executive": 403, "chair": 302, "manager": 302}


def _history_id(obj) -> int:
    return obj.history.filter(history_type="~").latest("history_id").history_id


CASES = [
    Case("plan page", "get", lambda b: b.plan.get_absolute_url(), READ),
    Case("plan page filtered", "get", lambda b: b.plan.get_absolute_url() + "?rag=green&overdue=on", READ),
    Case("action page", "get", lambda b: b.led.get_absolute_url(), READ),
    Case("plan history", "get", lambda b: reverse("plans:history", args=["plan", b.plan.pk]), READ),
    Case(
        "objective history",
        "get",
        lambda b: reverse("plans:history", args=["objective", b.objective.pk]),
        READ,
    ),
    Case("action history", "get", lambda b: reverse("plans:history", args=["action", b.led.pk]), READ),
    Case(
        "update led action form", "get", lambda b: reverse("plans:action_update", args=[b.led.pk]), LEAD_GET
    ),
    Case(
        "update led action",
        "post",
        lambda b: reverse("plans:action_update", args=[b.led.pk]),
        LEAD_POST,
        lambda b: quick_update_data(b.led),
    ),
    Case(
        "update an action the chair does not lead",
        "post",
        lambda b: reverse("plans:action_update", args=[b.unled.pk]),
        MANAGE_POST,
        lambda b: quick_update_data(b.unled),
    ),
    Case(
        "ask for a new due date (form)",
        "get",
        lambda b: reverse("plans:due_date_request", args=[b.led.pk]),
        LEAD_GET,
    ),
    Case(
        "ask for a new due date",
        "post",
        lambda b: reverse("plans:due_date_request", args=[b.led.pk]),
        LEAD_POST,
        lambda b: {**date_fields("new_due_date", datetime.date(2027, 6, 30)), "reason": "Partner delay."},
    ),
    Case(
        "ask for a new due date on an action the chair does not lead",
        "post",
        lambda b: reverse("plans:due_date_request", args=[b.unled.pk]),
        MANAGE_POST,
        lambda b: {**date_fields("new_due_date", datetime.date(2027, 6, 30)), "reason": "Partner delay."},
    ),
    Case(
        "decide a due-date request",
        "post",
        lambda b: reverse("plans:due_date_decide", args=[b.request.pk]),
        MANAGE_POST,
        lambda b: {"decision": "approve"},
    ),
    Case("edit action form", "get", lambda b: reverse("plans:action_edit", args=[b.led.pk]), MANAGE_GET),
    Case(
        "edit action",
        "post",
        lambda b: reverse("plans:action_edit", args=[b.led.pk]),
        MANAGE_POST,
        lambda b: action_edit_data(b.led),
    ),
    Case(
        "add an action form",
        "get",
        lambda b: reverse("plans:action_create", args=[b.objective.pk]),
        MANAGE_GET,
    ),
    Case(
        "add an action",
        "post",
        lambda b: reverse("plans:action_create", args=[b.objective.pk]),
        MANAGE_POST,
        lambda b: {**action_edit_data(b.led), "description": "A new action", "based_on_version": ""},
    ),
    Case("edit plan form", "get", lambda b: reverse("plans:edit", args=["plan", b.plan.pk]), MANAGE_GET),
    Case(
        "edit plan",
        "post",
        lambda b: reverse("plans:edit", args=["plan", b.plan.pk]),
        MANAGE_POST,
        lambda b: plan_edit_data(b.plan),
    ),
    Case(
        "edit priority area",
        "post",
        lambda b: reverse("plans:edit", args=["priority-area", b.area.pk]),
        MANAGE_POST,
        lambda b: {
            "number": 1,
            "title": "Child Protection (revised)",
            "wider_plan_link": "",
            "based_on_version": b.area.version,
        },
    ),
    Case(
        "edit objective",
        "post",
        lambda b: reverse("plans:edit", args=["objective", b.objective.pk]),
        MANAGE_POST,
        lambda b: {
            "number": "1.1",
            "description": "Revised objective",
            "based_on_version": b.objective.version,
        },
    ),
    Case(
        "edit measure",
        "post",
        lambda b: reverse("plans:edit", args=["measure", b.measure.pk]),
        MANAGE_POST,
        lambda b: {
            "description": "NI64 halved",
            "indicator_code": "NI64",
            "based_on_version": b.measure.version,
        },
    ),
    Case(
        "start a plan form",
        "get",
        lambda b: reverse("plans:plan_create", args=[b.plan.board.slug]),
        MANAGE_GET,
    ),
    Case(
        "start a plan",
        "post",
        lambda b: reverse("plans:plan_create", args=[b.plan.board.slug]),
        MANAGE_POST,
        lambda b: {**plan_edit_data(b.plan), "title": "Business Plan 2013-2015", "status": "draft"},
    ),
    Case("arrange the plan", "get", lambda b: reverse("plans:arrange", args=[b.plan.pk]), MANAGE_GET),
    Case(
        "add a priority area form",
        "get",
        lambda b: reverse("plans:priority_area_create", args=[b.plan.pk]),
        MANAGE_GET,
    ),
    Case(
        "add a priority area",
        "post",
        lambda b: reverse("plans:priority_area_create", args=[b.plan.pk]),
        MANAGE_POST,
        lambda b: {"number": 2, "title": "Early Help", "wider_plan_link": ""},
    ),
    Case(
        "add an objective form",
        "get",
        lambda b: reverse("plans:objective_create", args=[b.area.pk]),
        MANAGE_GET,
    ),
    Case(
        "add an objective",
        "post",
        lambda b: reverse("plans:objective_create", args=[b.area.pk]),
        MANAGE_POST,
        lambda b: {"number": "1.2", "description": "Fewer repeat plans", "evidence": "Audit 2011"},
    ),
    Case(
        "add a measure form",
        "get",
        lambda b: reverse("plans:measure_create", args=[b.objective.pk]),
        MANAGE_GET,
    ),
    Case(
        "add a measure",
        "post",
        lambda b: reverse("plans:measure_create", args=[b.objective.pk]),
        MANAGE_POST,
        lambda b: {"description": "NI65 below 10%", "indicator_code": "NI65"},
    ),
    Case(
        "move an action up",
        "post",
        lambda b: reverse("plans:move", args=["action", b.unled.pk]),
        MANAGE_POST,
        lambda b: {"direction": "up"},
    ),
    Case(
        "move a priority area down",
        "post",
        lambda b: reverse("plans:move", args=["priority-area", b.area.pk]),
        MANAGE_POST,
        lambda b: {"direction": "down"},
    ),
    Case(
        "remove a measure form",
        "get",
        lambda b: reverse("plans:remove", args=["measure", b.measure.pk]),
        MANAGE_GET,
    ),
    Case(
        "remove a measure",
        "post",
        lambda b: reverse("plans:remove", args=["measure", b.measure.pk]),
        MANAGE_POST,
        lambda b: {},
    ),
    Case("archive form", "get", lambda b: reverse("plans:archive", args=[b.plan.pk]), MANAGE_GET),
    Case(
        "archive the plan",
        "post",
        lambda b: reverse("plans:archive", args=[b.plan.pk]),
        MANAGE_POST,
        lambda b: {},
    ),
    Case(
        "restore the plan",
        "post",
        lambda b: reverse("plans:restore", args=[b.plan.pk]),
        MANAGE_POST,
        lambda b: {},
    ),
    Case(
        "approve a draft plan",
        "post",
        lambda b: reverse("plans:approve", args=[b.plan.pk]),
        MANAGE_POST,
        lambda b: {},
        prepare=make_draft,
    ),
    Case(
        "revise an approved plan",
        "post",
        lambda b: reverse("plans:revise", args=[b.plan.pk]),
        MANAGE_POST,
        lambda b: {},
    ),
    Case(
        "revert an action change",
        "post",
        lambda b: reverse("plans:history_revert", args=["action", b.led.pk]),
        MANAGE_POST,
        lambda b: {"history_id": _history_id(b.led)},
    ),
]


def _refresh(board_plan: BoardPlan) -> None:
    for obj in (board_plan.plan, board_plan.area, board_plan.objective, board_plan.led, board_plan.unled):
        obj.refresh_from_db()
    board_plan.measure.refresh_from_db()
    board_plan.request.refresh_from_db()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_permission_matrix(client, people, own, other, case):
    # A saved change on each led action, so that there is something to revert.
    for board_plan in (own, other):
        board_plan.led.rag = "amber"
        board_plan.led.save()
        if case.prepare:
            case.prepare(board_plan)
    users = {
        "member": people.member,
        "executive": people.executive,
        "chair": people.chair,
        "manager": people.manager,
    }
    mismatches = []
    # Writers go last so that refused requests all see the same starting state.
    runs = [("own", role, own, case.expected[role]) for role in ROLES]
    runs += [("other", role, other, 302 if role == "anonymous" else 404) for role in ROLES]
    runs.append(("other", "outsider (manager of the other board)", other, case.expected["manager"]))
    for board_label, role, board_plan, expected in runs:
        _refresh(board_plan)
        client.logout()
        if role.startswith("outsider"):
            client.force_login(people.outsider)
        elif role != "anonymous":
            client.force_login(users[role])
        before = db_state()
        url = case.url(board_plan)
        response = client.get(url) if case.method == "get" else client.post(url, case.data(board_plan))
        if response.status_code != expected:
            mismatches.append(f"{role} on {board_label} board: {response.status_code}, expected {expected}")
        refused = case.method == "post" and (role == "anonymous" or expected in (403, 404, 405))
        if refused and db_state() != before:
            mismatches.append(f"{role} on {board_label} board: refused, but the database changed")
        if role == "anonymous" and response.status_code == 302:
            assert response.url.startswith(reverse("login"))
    assert not mismatches, "\n".join(mismatches)


def test_successful_writes_do_write(client, people, own):
    """The matrix's 302s for writers are real saves, not silent refusals."""
    client.force_login(people.chair)
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), quick_update_data(own.led))
    assert response.status_code == 302
    assert own.led.progress_updates.filter(text="Terms of reference agreed.", author=people.chair).exists()
    client.force_login(people.manager)
    own.led.refresh_from_db()
    response = client.post(reverse("plans:action_edit", args=[own.led.pk]), action_edit_data(own.led))
    assert response.status_code == 302
    own.led.refresh_from_db()
    assert own.led.description.endswith("(revised)")


@pytest.mark.parametrize(
    "name",
    ["plans:due_date_decide", "plans:history_revert", "plans:move", "plans:restore"],
)
def test_post_only_views_answer_405_to_get(client, people, own, name):
    client.force_login(people.manager)
    args = {
        "plans:due_date_decide": [own.request.pk],
        "plans:history_revert": ["action", own.led.pk],
        "plans:move": ["action", own.led.pk],
        "plans:restore": [own.plan.pk],
    }[name]
    assert client.get(reverse(name, args=args)).status_code == 405


def test_my_actions_lists_only_what_the_user_leads(client, people, own, other):
    client.force_login(people.chair)
    response = client.get(reverse("plans:my_actions"))
    assert response.status_code == 200
    assert own.led.description in response.text
    assert own.unled.description not in response.text
    client.force_login(people.member)
    assert own.led.description not in client.get(reverse("plans:my_actions")).text


def test_a_chair_who_loses_the_membership_can_no_longer_write(client, people, own):
    """The role is checked at the moment of the write, not when the page was loaded."""
    client.force_login(people.chair)
    data = quick_update_data(own.led)
    people.chair.memberships.all().delete()
    before = db_state()
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert response.status_code == 404
    assert db_state() == before


def test_a_chair_of_another_boards_sub_committee_cannot_update(client, people, own, other):
    """Chairing a sub-committee of another board gives no rights on this one."""
    other.led.lead_sub_committee.chair = people.chair
    other.led.lead_sub_committee.save()
    client.force_login(people.chair)
    before = db_state()
    response = client.post(reverse("plans:action_update", args=[other.led.pk]), quick_update_data(other.led))
    assert response.status_code == 404
    assert db_state() == before


def test_unknown_kinds_answer_404(client, people, own):
    client.force_login(people.manager)
    assert client.get(reverse("plans:edit", args=["progressupdate", own.led.pk])).status_code == 404
    assert client.get(reverse("plans:history", args=["measure", own.measure.pk])).status_code == 404
