"""A plan in a board's own layout is written as the preview showed it: the area's strategic lead,
the actions' own numbers, recurring timescales and per-action measures included."""

from __future__ import annotations

import datetime
import sys

import pytest

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


def _layout_tests() -> list:
    from . import test_excel_and_csv_layouts, test_word_layouts

    return [
        function
        for module in (test_word_layouts, test_excel_and_csv_layouts)
        for name, function in vars(module).items()
        if name.startswith("test_") and callable(function)
    ]


@pytest.mark.parametrize("layout", _layout_tests(), ids=lambda function: function.__name__[5:60])
def test_every_layout_is_written_as_previewed(people, monkeypatch, layout):
    """Each layout's preview (checked in its own test) is written whole: every area, objective,
    action, measure and note, with no database rule broken."""
    module = sys.modules[layout.__module__]
    drafts: list[dict] = []
    original = module.import_draft

    def capture(*args, **kwargs):
        drafts.append(original(*args, **kwargs))
        return drafts[-1]

    monkeypatch.setattr(module, "import_draft", capture)
    layout()
    assert drafts
    for number, draft in enumerate(drafts):
        plan = write_draft(
            draft,
            user=people.manager,
            board=people.board,
            new_plan={"title": f"Layout {number}", "period_start": "2024-04-01", "period_end": "2025-03-31"},
        )
        counts = draft["counts"]
        assert PriorityArea.objects.filter(plan=plan).count() == counts["areas"]
        assert Action.objects.filter(objective__priority_area__plan=plan).count() == counts["actions"]
        assert Measure.objects.filter(objective__priority_area__plan=plan).count() == counts["measures"]
        assert (
            ProgressUpdate.objects.filter(action__objective__priority_area__plan=plan).count()
            == counts["progress"]
        )
        written = {
            (action.description, action.number, action.recurrence, action.rag, action.status)
            for action in Action.objects.filter(objective__priority_area__plan=plan)
        }
        assert written == {
            (a["description"], a["number"], a["recurrence"], a["rag"], a["status"])
            for area in draft["areas"]
            for objective in area["objectives"]
            for a in objective["actions"]
        }
