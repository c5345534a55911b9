"""A plan in a board's own layout is written as the preview showed it: the area's strategic lead,
the actions' own numbers, recurring timescales and per-action measures included."""

from __future__ import annotations

import datetime

from plans.models import Action, Measure, PriorityArea, ProgressUpdate
from plans.transfer.importer import write_draft

from .build import financial_year, import_draft
from .test_word_layouts import lscb_2014_docx


def test_a_plan_without_objective_column_is_written_field_for_field(people):
    draft = import_draft("plan.docx", lscb_2014_docx(), financial_year(2014))
    plan = write_draft(
        draft,
        user=people.manager,
        board=people.board,
        new_plan={"title": "Business plan", "period_start": "2014-04-01", "period_end": "2015-03-31"},
    )
    first, second = PriorityArea.objects.filter(plan=plan).order_by("number")
    assert (first.title, first.lead) == ("Early help for families", "Director of Children's Services")
    assert second.title == "Neglect"
    publish = Action.objects.get(
        objective__priority_area__plan=plan, description="Publish the early help strategy"
    )
    assert (publish.due_date, publish.rag, publish.lead_role) == (
        datetime.date(2014, 6, 30),
        "green",
        "Early Help Manager",
    )
    # The action's own measure belongs to it, and shows under its objective too.
    measure = Measure.objects.get(action=publish)
    assert (measure.description, measure.objective_id) == ("Strategy published", publish.objective_id)
    train = Action.objects.get(objective__priority_area__plan=plan, description="Train 200 staff")
    assert (train.recurrence, train.timescale_text, train.due_date, train.status, train.rag) == (
        "ongoing",
        "Ongoing",
        None,
        "complete",
        "blue",
    )
    assert Measure.objects.filter(objective__priority_area__plan=plan).count() == 3
    assert not ProgressUpdate.objects.filter(action__objective__priority_area__plan=plan).exists()
