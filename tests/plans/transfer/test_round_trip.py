"""Importing the seed plan from Word gives the plan load_demo builds; export then import
gives the same plan back."""

from __future__ import annotations

import datetime

import pytest

from boards.models import Agency, Board
from plans.demo import load_demo
from plans.models import (
    Action,
    BusinessPlan,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
)
from plans.transfer.exporter import EXPORTERS
from plans.transfer.files import read_upload
from plans.transfer.importer import write_draft
from plans.transfer.mapping import guess_mapping
from plans.transfer.preview import build_draft
from tests.factories import ActionFactory, BusinessPlanFactory, ObjectiveFactory, PriorityAreaFactory
from tests.once import rolled_back_afterwards
from tests.plans.transfer.helpers import plan_snapshot
from tests.plans.transfer.seed_docx import build_seed_docx

AS_OF = datetime.date(2011, 9, 30)


def import_file(
    name: str, data: bytes, board: Board, user, title: str, plan=None
) -> tuple[BusinessPlan, dict]:
    extracted = read_upload(name, data).as_json()
    headings = [heading for table in extracted["tables"] for heading in table["header"]]
    draft = build_draft(extracted, guess_mapping(headings), plan=plan, progress_as_of=AS_OF, board=board)
    assert draft["error_count"] == 0, draft["issues"]
    new_plan = None if plan else {"title": title, "period_start": "2011-04-01", "period_end": "2013-03-31"}
    return write_draft(draft, user=user, board=board, plan=plan, new_plan=new_plan), draft


@pytest.fixture
def small_plan(db) -> BusinessPlan:
    plan = BusinessPlanFactory()
    for number, rag in ((1, "red"), (2, "amber")):
        objective = ObjectiveFactory(priority_area=PriorityAreaFactory(plan=plan, number=number))
        ActionFactory(objective=objective, rag=rag)
        ActionFactory(objective=objective, rag="")
    return plan


def test_csv_and_xlsx_exports_guard_against_formula_injection(small_plan):
    demo_plan = small_plan
    action = Action.objects.filter(objective__priority_area__plan=demo_plan).first()
    action.description = "=cmd|' /C calc'!A0"
    action.save()
    csv_text = EXPORTERS["csv"][0](demo_plan).decode("utf-8")
    assert "'=cmd|" in csv_text
    assert ",=cmd" not in csv_text

    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"][0](demo_plan)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert any(cell.value == "'=cmd|' /C calc'!A0" for cell in cells)


def test_xlsx_export_has_a_summary_and_one_sheet_per_priority_area(small_plan):
    demo_plan = small_plan
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"][0](demo_plan)))
    assert workbook.sheetnames[0] == "Summary"
    assert len(workbook.sheetnames) == 1 + 2
    summary = list(workbook["Summary"].values)
    header = summary[3]
    assert header[:3] == ("Priority area", "Number of actions", "Red")
    totals = summary[-1]
    assert totals[0] == "All priority areas"
    assert totals[1:] == (4, 1, 1, 0, 0, 2, 0)  # … and no illustrative (demo) ratings


class TestTheDemoPlan:
    """These tests share one load_demo (tests/once.py): each runs in a savepoint inside the
    class's transaction, rolled back after it, so what one imports the next does not see."""

    @pytest.fixture(scope="class")
    @classmethod
    def loaded_demo(cls, django_db_setup, django_db_blocker):
        with rolled_back_afterwards(django_db_blocker):
            with django_db_blocker.unblock():
                load_demo(datetime.date(2026, 11, 23), original_dates=True)
            yield

    @pytest.fixture
    def demo_plan(self, loaded_demo, db) -> BusinessPlan:
        return BusinessPlan.objects.get(board__slug="sunderland-sscb")

    def test_the_seed_plan_built_as_word_imports_as_load_demo_builds_it(self, demo_plan):
        manager = demo_plan.board.memberships.get(role="manager").user
        imported, draft = import_file(
            "seed.docx", build_seed_docx(), demo_plan.board, manager, "Imported from Word"
        )

        # The seed's progress notes carry no dates (the transcription dated them by hand), so
        # the notes are compared by text; everything else field by field.
        assert plan_snapshot(imported, note_dates=False) == plan_snapshot(demo_plan, note_dates=False)
        assert draft["warning_count"] == 0, draft["issues"]
        demo_leads = [
            a.lead_sub_committee_id for a in Action.objects.filter(objective__priority_area__plan=demo_plan)
        ]
        imported_leads = [
            a.lead_sub_committee_id for a in Action.objects.filter(objective__priority_area__plan=imported)
        ]
        assert imported_leads == demo_leads
        assert imported.priority_areas.count() == 10
        assert Action.objects.filter(objective__priority_area__plan=imported).count() == 45
        # Every row written has its history row, under the importing user.
        live = {
            PriorityArea: PriorityArea.objects.filter(plan=imported),
            Objective: Objective.objects.filter(priority_area__plan=imported),
            EvidenceSource: EvidenceSource.objects.filter(objective__priority_area__plan=imported),
            Measure: Measure.objects.filter(objective__priority_area__plan=imported),
            Action: Action.objects.filter(objective__priority_area__plan=imported),
            ProgressUpdate: ProgressUpdate.objects.filter(action__objective__priority_area__plan=imported),
        }
        for model, rows in live.items():
            ids = set(rows.values_list("pk", flat=True))
            history = model.history.filter(id__in=ids)
            assert set(history.values_list("id", flat=True)) == ids, model
            assert set(history.values_list("history_user", "history_type")) == {(manager.pk, "+")}, model
        assert imported.history.get().history_user == manager

    def test_export_then_import_into_a_new_plan_reproduces_the_plan(self, demo_plan):
        manager = demo_plan.board.memberships.get(role="manager").user
        action = Action.objects.filter(objective__priority_area__plan=demo_plan).first()
        # Awkward content survives: a formula-like description, a multi-line note, a day due date.
        action.description = '=HYPERLINK("http://example.org") monitor the plan'
        action.due_date, action.due_precision = datetime.date(2011, 11, 15), "day"
        # Led by one of the partnership's agencies (boards.Agency): the exports carry it back.
        action.lead_agency = Agency.objects.get(partnership=demo_plan.board.partnership, name="Police")
        action.save()
        note = action.progress_updates.first()
        note.text = "First line\nsecond line"
        note.save()

        for fmt in ("xlsx", "csv"):
            build, _ = EXPORTERS[fmt]
            imported, _ = import_file(
                f"export.{fmt}", build(demo_plan), demo_plan.board, manager, f"Round trip {fmt}"
            )
            # Spreadsheets add status, RAG, due date and completion date to the seven columns.
            assert plan_snapshot(imported, status=True, shown_timescale=True) == plan_snapshot(
                demo_plan, status=True, shown_timescale=True
            ), fmt

        imported, _ = import_file(
            "export.docx", EXPORTERS["docx"][0](demo_plan), demo_plan.board, manager, "Word"
        )
        # Word now carries status, RAG and completion too.
        assert plan_snapshot(imported, status=True, shown_timescale=True) == plan_snapshot(
            demo_plan, status=True, shown_timescale=True
        )
