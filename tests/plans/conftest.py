"""A small plan on each board of ``people``: one action the chair leads (through the
sub-committee they chair), one they do not, with a measure and a pending due-date request."""

import datetime
from dataclasses import dataclass

import pytest

from plans import extensions
from plans.models import Action, BusinessPlan, DueDateChange, Measure, Objective, PriorityArea
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    MeasureFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    ProgressUpdateFactory,
    SubCommitteeFactory,
)
from tests.plans.factories import DueDateChangeFactory


@dataclass
class BoardPlan:
    plan: BusinessPlan
    area: PriorityArea
    objective: Objective
    led: Action  # led by the chair's sub-committee
    unled: Action
    measure: Measure
    request: DueDateChange


def make_board_plan(board, chair=None) -> BoardPlan:
    plan = BusinessPlanFactory(board=board, title=f"{board.short_name} Business Plan")
    area = PriorityAreaFactory(plan=plan, number=1, title="Child Protection")
    objective = ObjectiveFactory(priority_area=area, number="1.1", position=1)
    sub_committee = SubCommitteeFactory(board=board, name="Quality Assurance Sub-committee", chair=chair)
    led = ActionFactory(
        objective=objective,
        position=1,
        description="Establish Professional Child Protection User Group",
        lead_sub_committee=sub_committee,
        status="in_progress",
        rag="green",
    )
    unled = ActionFactory(objective=objective, position=2, description="Audit core groups", rag="amber")
    ProgressUpdateFactory(action=led, text="User group to be established.")
    return BoardPlan(
        plan=plan,
        area=area,
        objective=objective,
        led=led,
        unled=unled,
        measure=MeasureFactory(objective=objective, position=1, description="NI64 reduced"),
        request=DueDateChangeFactory(action=unled, new_due_date=datetime.date(2027, 3, 31)),
    )


@pytest.fixture
def own(people) -> BoardPlan:
    return make_board_plan(people.board, chair=people.chair)


@pytest.fixture
def other(people) -> BoardPlan:
    return make_board_plan(people.other_board)


@pytest.fixture(autouse=True)
def plans_alone(monkeypatch):
    """Plans' tests see plans alone: their demo counts and query budgets are the SSCB plan's.
    Apps that build on plans (reviews, meetings…) register demo data and page panels through
    plans.extensions, and test those (with their query counts) in their own tests."""
    monkeypatch.setattr(extensions.demo_loaded, "receivers", [])
    monkeypatch.setattr(extensions, "_plan_panels", [])
    monkeypatch.setattr(extensions, "_action_panels", [])
    monkeypatch.setattr(extensions, "_plan_page_annotations", [])


@pytest.fixture
def page_cache_cleared_on_a_monday():
    """Plan page bodies and frames cleared before and after, at 09:00 on Monday 23 November
    2026 (overdue tags and the body's key follow the day)."""
    import time_machine

    from plans import page_cache

    page_cache.clear()
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield
    page_cache.clear()
