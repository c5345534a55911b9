"""Issue 13 point 3: an import into a new plan makes a draft (nothing of it is in force
until a manager approves it); an import into an approved plan goes through the preview
as before and its new actions are in force at once."""

from __future__ import annotations

import datetime

import pytest

from plans.models import Action, BusinessPlan, PlanStatus
from plans.transfer.importer import write_draft
from tests.factories import BusinessPlanFactory, ObjectiveFactory, PriorityAreaFactory
from tests.plans.transfer.files import csv_bytes
from tests.plans.transfer.test_bulk_update import draft_for

pytestmark = pytest.mark.django_db

ROWS = [
    [
        "Priority Area 1 – Child Protection",
        "1.1 Children are safe",
        "Audit report",
        "Publish the audit",
        "Chair of QA",
        "Jan 2027",
        "",
        "",
    ]
]


def test_an_import_into_a_new_plan_makes_a_draft_whose_actions_are_not_in_force(people):
    draft = draft_for("new.csv", csv_bytes(ROWS), None)
    assert draft["error_count"] == 0, draft["issues"]
    plan = write_draft(
        draft,
        user=people.manager,
        board=people.board,
        plan=None,
        new_plan={"title": "Imported plan", "period_start": "2026-04-01", "period_end": "2027-03-31"},
    )
    assert plan.status == PlanStatus.DRAFT
    assert plan.approved_at is None and plan.approved_by is None
    imported = Action.objects.filter(objective__priority_area__plan=plan)
    assert imported.count() == 1
    assert not Action.objects.in_force().filter(pk__in=imported).exists()
    assert not BusinessPlan.objects.in_force().filter(pk=plan.pk).exists()


def test_an_import_into_an_approved_plan_keeps_it_approved_and_its_new_actions_in_force(people):
    plan = BusinessPlanFactory(board=people.board)
    area = PriorityAreaFactory(plan=plan, number=1, title="Child Protection")
    ObjectiveFactory(priority_area=area, number="1.1", position=1, description="Children are safe")
    approved_at = plan.approved_at
    draft = draft_for("add.csv", csv_bytes(ROWS), plan)
    assert draft["error_count"] == 0, draft["issues"]
    write_draft(draft, user=people.manager, board=people.board, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_at == approved_at
    added = Action.objects.get(description="Publish the audit")
    assert Action.objects.in_force().filter(pk=added.pk).exists()
    assert added.due_date == datetime.date(2027, 1, 31)
