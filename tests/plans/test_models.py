import datetime

import pytest
from django.db import IntegrityError, transaction

from plans.models import Action, DuePrecision, Rag, Status
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


def refused(callable_) -> bool:
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_plan_must_end_after_it_starts():
    assert refused(
        lambda: BusinessPlanFactory(
            period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2026, 4, 1)
        )
    )
    assert refused(
        lambda: BusinessPlanFactory(
            period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2025, 3, 31)
        )
    )


def test_plan_status_is_checked():
    assert refused(lambda: BusinessPlanFactory(status="finished"))


def test_priority_area_numbers_are_unique_within_a_plan():
    area = PriorityAreaFactory(number=1)
    assert refused(lambda: PriorityAreaFactory(plan=area.plan, number=1))
    # The same number in another plan is fine.
    assert PriorityAreaFactory(number=1).number == 1


def test_objective_numbers_are_unique_within_a_priority_area():
    objective = ObjectiveFactory(number="1.1")
    assert refused(lambda: ObjectiveFactory(priority_area=objective.priority_area, number="1.1"))


def test_action_status_and_rag_values_are_checked_by_the_database():
    objective = ObjectiveFactory()
    assert refused(lambda: ActionFactory(objective=objective, status="done"))
    assert refused(lambda: ActionFactory(objective=objective, rag="purple"))
    assert refused(lambda: ActionFactory(objective=objective, due_precision="week"))


def test_action_positions_are_unique_within_an_objective():
    action = ActionFactory(position=1)
    assert refused(lambda: ActionFactory(objective=action.objective, position=1))


def test_completion_date_only_on_a_complete_action():
    assert refused(lambda: ActionFactory(status=Status.IN_PROGRESS, completed_on=datetime.date(2026, 1, 5)))
    action = ActionFactory(status=Status.COMPLETE, completed_on=datetime.date(2026, 1, 5))
    assert action.completed_on == datetime.date(2026, 1, 5)


def test_progress_rag_is_checked_and_text_required():
    assert refused(lambda: ProgressUpdateFactory(rag="pink"))
    assert refused(lambda: ProgressUpdateFactory(text=""))


def test_month_timescale_displays_as_month_and_year():
    action = ActionFactory(due_date=datetime.date(2011, 12, 31), due_precision=DuePrecision.MONTH)
    assert action.timescale == "December 2011"
    action.due_precision = DuePrecision.DAY
    action.due_date = datetime.date(2012, 3, 5)
    assert action.timescale == "5 March 2012"
    action.due_date = None
    action.timescale_text = "Ongoing"
    assert action.timescale == "Ongoing"


def test_overdue_excludes_complete_actions_and_future_dates():
    today = datetime.date(2026, 11, 23)
    late = ActionFactory(due_date=datetime.date(2026, 10, 31))
    ActionFactory(
        due_date=datetime.date(2026, 10, 31),
        status=Status.COMPLETE,
        rag=Rag.BLUE,
        completed_on=datetime.date(2026, 10, 1),
    )
    ActionFactory(due_date=datetime.date(2026, 12, 31))
    assert list(Action.objects.overdue(today)) == [late]
    assert late.is_overdue(today)


def test_latest_progress_is_annotated():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=datetime.date(2026, 6, 1), text="older")
    ProgressUpdateFactory(action=action, date=datetime.date(2026, 9, 1), text="newest")
    annotated = Action.objects.with_latest_progress().get(pk=action.pk)
    assert annotated.latest_progress_text == "newest"
    assert annotated.latest_progress_date == datetime.date(2026, 9, 1)


def test_edits_are_recorded_in_history():
    action = ActionFactory(status=Status.NOT_STARTED)
    action.status = Status.IN_PROGRESS
    action.save()
    assert [h.status for h in action.history.all()] == [Status.IN_PROGRESS, Status.NOT_STARTED]
