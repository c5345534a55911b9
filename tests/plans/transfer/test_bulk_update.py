"""Re-importing an exported spreadsheet of a plan updates the actions it names, field by
field, in history under the importing user; importing into a plan adds what is new."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from plans.models import Action, BusinessPlan, PlanStatus, ProgressUpdate
from plans.transfer.exporter import COLUMNS, export_csv, export_xlsx
from plans.transfer.files import read_upload
from plans.transfer.importer import ImportConflictError, write_draft
from plans.transfer.mapping import guess_mapping
from plans.transfer.preview import build_draft
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    EvidenceSourceFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    ProgressUpdateFactory,
)
from tests.plans.transfer.files import csv_bytes
from tests.plans.transfer.helpers import row_counts

AS_OF = datetime.date(2026, 10, 31)


@pytest.fixture
def plan(people):
    plan = BusinessPlanFactory(board=people.board)
    area = PriorityAreaFactory(plan=plan, number=1, title="Child Protection")
    objective = ObjectiveFactory(
        priority_area=area, number="1.1", position=1, description="Children are safe"
    )
    EvidenceSourceFactory(objective=objective, position=1, text="SSCB Performance Report")
    first = ActionFactory(
        objective=objective, position=1, description="Audit the plans", due_date=datetime.date(2026, 12, 31)
    )
    ProgressUpdateFactory(action=first, date=datetime.date(2026, 9, 30), text="Audit started")
    ActionFactory(objective=objective, position=2, description="Review the audit", rag="green")
    return plan


def draft_for(name: str, data: bytes, plan) -> dict:
    extracted = read_upload(name, data).as_json()
    headings = [heading for table in extracted["tables"] for heading in table["header"]]
    return build_draft(extracted, guess_mapping(headings), plan=plan, progress_as_of=AS_OF)


def edited_xlsx(plan, edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(plan)))
    sheet = workbook.worksheets[1]
    header = [cell.value for cell in sheet[2]]
    assert header == COLUMNS
    for row in sheet.iter_rows(min_row=3):
        values = {header[index]: cell for index, cell in enumerate(row)}
        edit(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_edited_export_updates_progress_status_rag_and_due_dates(people, plan):
    first, second = Action.objects.filter(objective__priority_area__plan=plan).order_by("position")

    def edit(row):
        if row["Reference"].value == f"A-{first.pk}":
            row["Status"].value = "Complete"
            row["RAG"].value = "Blue (complete)"
            row["Due date"].value = "15 November 2026"
            row["Progress"].value += "\n20 October 2026: Audit finished and reported to the board"
        if row["Reference"].value == f"A-{second.pk}":
            row["RAG"].value = "Amber"
            row["Progress"].value = "Review booked"

    draft = draft_for("plan.xlsx", edited_xlsx(plan, edit), plan)
    assert draft["error_count"] == 0, draft["issues"]
    assert draft["counts"]["actions"] == 0  # nothing added: every row names an action
    changes = {update["reference"]: update for update in draft["updates"]}
    assert [(c["label"], c["old"], c["new"]) for c in changes[f"A-{first.pk}"]["changes"]] == [
        ("Status", "Not started", "Complete"),
        ("RAG rating", "Not rated", "Blue (complete)"),
        ("Due date", "December 2026", "15 November 2026"),
        ("Completed on", "", "31 October 2026"),
    ]
    assert changes[f"A-{first.pk}"]["new_progress"] == [
        {
            "date": "2026-10-20",
            "precision": "day",
            "display": "20 Oct 2026",
            "text": "Audit finished and reported to the board",
        }
    ]
    assert [(c["label"], c["new"]) for c in changes[f"A-{second.pk}"]["changes"]] == [("RAG rating", "Amber")]
    assert changes[f"A-{second.pk}"]["new_progress"] == [
        {"date": "2026-10-31", "precision": "day", "display": "31 Oct 2026", "text": "Review booked"}
    ]

    write_draft(draft, user=people.manager, board=people.board, plan=plan)

    first.refresh_from_db()
    assert (first.status, first.rag, first.due_date, first.due_precision, first.completed_on) == (
        "complete",
        "blue",
        datetime.date(2026, 11, 15),
        "day",
        AS_OF,
    )
    latest = first.history.first()
    assert latest.history_user == people.manager and latest.history_type == "~"
    note = first.progress_updates.get(text="Audit finished and reported to the board")
    assert note.author == people.manager
    assert note.history.get().history_user == people.manager
    second.refresh_from_db()
    assert second.rag == "amber"
    assert second.history.first().history_user == people.manager
    # Importing the same file again changes nothing more.
    assert draft_for("plan.xlsx", edited_xlsx(plan, edit), plan)["updates"] == []


def test_an_unchanged_export_changes_nothing(people, plan):
    undated = Action.objects.filter(objective__priority_area__plan=plan).last()
    Action.objects.filter(pk=undated.pk).update(due_date=None, timescale_text="Ongoing")
    draft = draft_for("plan.csv", export_csv(plan), plan)
    assert draft["error_count"] == 0, draft["issues"]
    assert draft["issues"] == []
    assert draft["updates"] == []
    assert draft["counts"]["actions"] == 0


def test_a_reference_to_another_boards_action_is_refused_and_nothing_is_written(people, plan):
    other = ActionFactory(
        objective=ObjectiveFactory(
            priority_area=PriorityAreaFactory(plan=BusinessPlanFactory(board=people.other_board))
        )
    )
    mine = Action.objects.filter(objective__priority_area__plan=plan).first()
    data = csv_bytes(
        [[f"A-{mine.pk}", "x", "Complete", "Red"], [f"A-{other.pk}", "y", "Complete", "Red"]],
        header=["Reference", "Agreed action", "Status", "RAG"],
    )
    draft = draft_for("plan.csv", data, plan)
    assert draft["error_count"] == 1
    assert f"“A-{other.pk}” is not an action of this plan" in draft["issues"][0]["message"]


def test_an_action_edited_after_the_preview_stops_the_whole_import(people, plan):
    first = Action.objects.filter(objective__priority_area__plan=plan).first()
    data = csv_bytes(
        [[f"A-{first.pk}", "x", "Complete", "Red"]], header=["Reference", "Agreed action", "Status", "RAG"]
    )
    draft = draft_for("plan.csv", data, plan)
    Action.objects.filter(pk=first.pk).update(rag="green")  # someone else, meanwhile
    before = row_counts()
    with pytest.raises(ImportConflictError):
        write_draft(draft, user=people.manager, board=people.board, plan=plan)
    assert row_counts() == before


def test_importing_into_a_plan_adds_new_areas_objectives_and_actions(people, plan):
    data = csv_bytes(
        [
            # An existing objective gains an action and an evidence source, not a copy of itself.
            [
                "Priority Area 1 – Child Protection",
                "1.1 Children are safe",
                "SSCB Performance Report\nAudit report",
                "Publish the audit",
                "Chair of QA",
                "Jan 2027",
                "",
                "",
            ],
            # A new objective, and a duplicate number with other words: kept, renumbered, warned.
            [
                "",
                "1.2 Staff are skilled",
                "Training needs analysis",
                "Test competency",
                "Chair of CWD",
                "Ongoing",
                "",
                "Staff pass (NI99)",
            ],
            ["", "1.2 Something else", "", "Another action", "", "", "", ""],
            [
                "Priority Area 11 – Neglect",
                "11.1 Less neglect",
                "",
                "Adopt the Graded Care Profile",
                "",
                "March 2027",
                "",
                "",
            ],
        ]
    )
    draft = draft_for("add.csv", data, plan)
    assert draft["error_count"] == 0
    messages = [issue["message"] for issue in draft["issues"]]
    # "Ongoing" is a timescale boards write: kept as text and marked, not warned about.
    assert not [message for message in messages if "Ongoing" in message]
    assert "Objective number 1.2 is used twice in Priority Area 1." in messages
    assert "No lead person for “Adopt the Graded Care Profile”." in messages
    before = Action.objects.count()
    write_draft(draft, user=people.manager, board=people.board, plan=plan)
    assert Action.objects.count() == before + 4
    assert list(plan.priority_areas.values_list("number", flat=True)) == [1, 11]
    existing = plan.priority_areas.get(number=1).objectives.get(number="1.1")
    assert list(existing.evidence_sources.values_list("text", flat=True)) == [
        "SSCB Performance Report",
        "Audit report",
    ]
    assert list(existing.actions.values_list("position", "description")) == [
        (1, "Audit the plans"),
        (2, "Review the audit"),
        (3, "Publish the audit"),
    ]
    assert list(plan.priority_areas.get(number=1).objectives.values_list("number", flat=True)) == [
        "1.1",
        "1.2",
        "1.2 (2)",
    ]
    ongoing = Action.objects.get(description="Test competency")
    assert (ongoing.due_date, ongoing.timescale_text, ongoing.recurrence) == (None, "Ongoing", "ongoing")
    assert ongoing.objective.measures.get().indicator_code == "NI99"
    assert ProgressUpdate.objects.filter(action__objective__priority_area__plan=plan).count() == 1


def test_a_job_that_fails_part_way_writes_nothing_and_says_why(people, plan):
    from plans.models import ImportJob
    from plans.transfer import jobs

    first, second = Action.objects.filter(objective__priority_area__plan=plan).order_by("position")
    data = csv_bytes(
        [
            [
                "",
                "Priority Area 1 – Child Protection",
                "1.9 A new objective",
                "Brand new action",
                "Chair",
                "Dec 2026",
            ],
            [f"A-{first.pk}", "", "", "x", "", "", "Complete"],
            [f"A-{second.pk}", "", "", "y", "", "", "Complete"],
        ],
        header=["Reference", "Priority area", "Objective", "Agreed action", "Lead", "Timescale", "Status"],
    )
    job = jobs.new_job(
        extracted=read_upload("plan.csv", data).as_json(),
        file_name="plan.csv",
        board=people.board,
        user=people.manager,
        plan=plan,
        progress_as_of=AS_OF,
    )
    jobs.preview(job)
    assert (
        job.draft["error_count"] == 0
        and job.draft["counts"]["actions"] == 1
        and len(job.draft["updates"]) == 2
    )
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
    Action.objects.filter(pk=second.pk).update(status="in_progress")  # edited after the preview
    before = row_counts()
    reported = []
    job = jobs.run(str(job.pk), on_progress=lambda done, total: reported.append((done, total)))
    assert job.state == ImportJob.State.FAILED
    assert f"A-{second.pk} was changed after the preview" in job.message
    assert row_counts() == before  # the new objective and action, and the first update, are undone
    assert reported  # progress was reported before the failure


def test_a_plan_archived_after_the_preview_is_not_imported_into(people, plan):
    first = Action.objects.filter(objective__priority_area__plan=plan).first()
    data = csv_bytes(
        [[f"A-{first.pk}", "x", "Complete", "Red"]], header=["Reference", "Agreed action", "Status", "RAG"]
    )
    draft = draft_for("plan.csv", data, plan)
    BusinessPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.ARCHIVED)  # a manager, meanwhile
    before = row_counts()
    with pytest.raises(ImportConflictError, match="archived"):
        write_draft(draft, user=people.manager, board=people.board, plan=plan)
    assert row_counts() == before


def test_a_due_date_of_ongoing_keeps_the_actions_due_date(people, plan):
    """ "Ongoing" reads as a timescale without a date: the update leaves the due date alone.
    Before, the preview recorded a change to no date and then failed on ``None.isoformat()``."""
    first = Action.objects.filter(objective__priority_area__plan=plan).order_by("position").first()

    def edit(row):
        if row["Reference"].value == f"A-{first.pk}":
            row["Due date"].value = "Ongoing"

    draft = draft_for("plan.xlsx", edited_xlsx(plan, edit), plan)
    assert draft["error_count"] == 0, draft["issues"]
    assert draft["updates"] == []
    write_draft(draft, user=people.manager, board=people.board, plan=plan)
    first.refresh_from_db()
    assert first.due_date == datetime.date(2026, 12, 31)
