import datetime
from dataclasses import dataclass

from plans.models import Rag, Status
from tests.factories import ActionFactory, MeasureFactory, ObjectiveFactory, ProgressUpdateFactory
from tests.performance.factories import IndicatorFactory, IndicatorValueFactory


@dataclass
class PackPlan:
    """A small plan with one action of each kind the pack reports on."""

    red: object
    overdue: object
    green: object
    complete: object
    due_next_quarter: object
    indicator: object


def make_pack_plan(board, *, prefix: str = "") -> PackPlan:
    objective = ObjectiveFactory(
        priority_area__plan__board=board,
        priority_area__plan__period_start=datetime.date(2026, 4, 1),
        priority_area__plan__period_end=datetime.date(2028, 3, 31),
    )
    red = ActionFactory(
        objective=objective,
        description=f"{prefix}Audit the red action",
        rag=Rag.RED,
        status=Status.IN_PROGRESS,
    )
    overdue = ActionFactory(
        objective=objective,
        description=f"{prefix}Finish the overdue training",
        rag=Rag.GREEN,
        status=Status.IN_PROGRESS,
        due_date=datetime.date(2026, 8, 31),
    )
    green = ActionFactory(
        objective=objective, description=f"{prefix}Keep the green action going", rag=Rag.GREEN
    )
    complete = ActionFactory(
        objective=objective,
        description=f"{prefix}Publish the finished leaflet",
        rag=Rag.BLUE,
        status=Status.COMPLETE,
        completed_on=datetime.date(2026, 7, 15),
    )
    due_next = ActionFactory(
        objective=objective,
        description=f"{prefix}Report due next quarter",
        rag=Rag.AMBER,
        due_date=datetime.date(2026, 11, 30),
    )
    ProgressUpdateFactory(
        action=red, date=datetime.date(2026, 8, 10), text=f"{prefix}Auditors delayed by staffing"
    )
    ProgressUpdateFactory(
        action=green, date=datetime.date(2026, 3, 1), text=f"{prefix}An update before the period"
    )
    measure = MeasureFactory(
        objective=objective, description="Fewer repeat plans (NI65)", indicator_code="NI65"
    )
    indicator = IndicatorFactory(board=board, code=f"{prefix}NI65", title="Repeat child protection plans")
    indicator.measures.add(measure)
    IndicatorValueFactory(indicator=indicator, value=15, target=13, period_label="Q1 2026/27")
    IndicatorValueFactory(
        indicator=indicator,
        value=14,
        target=13,
        period_label="Q2 2026/27",
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 9, 30),
    )
    return PackPlan(red, overdue, green, complete, due_next, indicator)
