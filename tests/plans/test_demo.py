import datetime
import json
from collections import Counter

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from boards.models import Board, Membership, Partnership, SubCommittee
from plans import rows
from plans.demo import SEED_PLAN, demo_password, shift_date, year_shift
from plans.models import (
    Action,
    BusinessPlan,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Status,
)
from tests.once import rolled_back_afterwards
from tests.plans.test_demo_fidelity import seed_file

pytestmark = pytest.mark.django_db

# Actions per objective as the seed plan lists them, once cells holding several
# actions are split (counted by hand from ../shared/seeds/).
SEED_ACTIONS_PER_OBJECTIVE = {
    "1.1": 3, "1.2": 1, "2.1": 1, "2.2": 2, "3.1": 4, "3.2": 4, "3.3": 1, "4.1": 1, "5.1": 1,
    "6.1": 6, "7.1": 5, "8.1": 2, "8.2": 2, "8.3": 1, "8.4": 2, "9.1": 4, "10.1": 5,
}  # fmt: skip


def counts() -> dict[str, int]:
    return {
        "partnerships": Partnership.objects.count(),
        "boards": Board.objects.count(),
        "sub_committees": SubCommittee.objects.count(),
        "memberships": Membership.objects.count(),
        "plans": BusinessPlan.objects.count(),
        "areas": PriorityArea.objects.count(),
        "objectives": Objective.objects.count(),
        "actions": Action.objects.count(),
        "progress": ProgressUpdate.objects.count(),
        "measures": Measure.objects.count(),
        "action_history": Action.history.count(),
    }


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_load_demo_yields_the_whole_seed_plan(capsys):
    call_command("load_demo")
    assert PriorityArea.objects.count() == 10
    assert Objective.objects.count() == 17
    per_objective = Counter(Action.objects.values_list("objective__number", flat=True))
    assert dict(per_objective) == SEED_ACTIONS_PER_OBJECTIVE
    assert Action.objects.count() == 45
    # Every note and measure in the data file is loaded: a measure the seed gives for a row
    # of several actions once for each of them (Measure.action).
    data = json.loads(SEED_PLAN.read_text())
    objectives = [o for area in data["priority_areas"] for o in area["objectives"]]
    assert Measure.objects.count() == sum(
        len(m.get("actions") or [0]) for o in objectives for m in o["measures"]
    )
    assert ProgressUpdate.objects.count() == sum(len(a["progress"]) for o in objectives for a in o["actions"])
    assert set(Partnership.objects.values_list("name", flat=True)) == {
        "Sunderland",
        "Stockton-on-Tees",
        "Peterborough",
    }
    output = capsys.readouterr().out
    assert demo_password("manager") in output


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    before = counts()
    call_command("load_demo")
    assert counts() == before


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_demo_dates_move_by_whole_years_so_the_plan_is_current():
    call_command("load_demo")
    plan = BusinessPlan.objects.get()
    assert (plan.period_start, plan.period_end) == (datetime.date(2026, 4, 1), datetime.date(2028, 3, 31))
    today = datetime.date(2026, 11, 23)
    assert plan.period_start <= today <= plan.period_end
    first = Action.objects.get(objective__number="1.1", position=1)
    assert first.timescale == "December 2026"
    assert first.timescale_text == "December 2011"
    # A real mix: some overdue, some due within 60 days, some complete.
    actions = Action.objects.all()
    assert Action.objects.overdue(today).exists()
    assert actions.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=60)).exists()
    assert actions.filter(status=Status.COMPLETE).exists()


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_original_dates_keeps_the_seed_dates():
    call_command("load_demo", "--original-dates")
    plan = BusinessPlan.objects.get()
    assert plan.period_start == datetime.date(2011, 4, 1)
    action = Action.objects.get(objective__number="3.1", position=4)
    assert action.timescale == "February 2012"  # carried down from the third timescale


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_seed_details_survive_the_load():
    call_command("load_demo", "--original-dates")
    objective = Objective.objects.get(number="1.1")
    assert list(objective.evidence_sources.values_list("text", flat=True)) == [
        "SSCB Performance Report",
        "Audit report re children subject of a CP Plan for 18mths-2yrs",
        "Children's Services data",
    ]
    assert set(objective.measures.values_list("indicator_code", flat=True)) >= {"NI64", "NI65"}
    deferred = Action.objects.get(objective__number="2.2", position=1)
    assert deferred.deferred_to == "SSP led multi agency sexual exploitation group"
    assert deferred.lead_sub_committee.name == "Business Planning Group"
    graded_care = Action.objects.get(objective__number="4.1")
    assert graded_care.progress_updates.count() == 9
    assert Action.objects.get(objective__number="9.1", position=1).status == Status.COMPLETE


def test_year_shift_picks_the_latest_progress_date_not_after_today():
    as_of = datetime.date(2011, 9, 30)
    assert year_shift(as_of, datetime.date(2026, 11, 23)) == 15
    assert year_shift(as_of, datetime.date(2026, 9, 29)) == 14
    assert shift_date(datetime.date(2012, 2, 29), 1) == datetime.date(2013, 2, 28)
    assert shift_date(datetime.date(2011, 2, 28), 1) == datetime.date(2012, 2, 29)  # month end stays


def test_load_demo_refuses_production_without_flag(settings):
    settings.DEMO_DATA_ALLOWED = False
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo")
    assert not Board.objects.exists()


def _action(number: str, position: int) -> Action:
    return Action.objects.get(
        objective__priority_area__plan__board__slug="sunderland-sscb",
        objective__number=number,
        position=position,
    )


SIX_MONTHLY = (
    "SSCB to receive 6-monthly reports from Children's Trust on progress against task & Finish Group "
    "report recommendations until fully implemented, beginning in {month}"
)


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_original_dates_keep_the_action_wording():
    call_command("load_demo", "--original-dates")
    assert _action("1.2", 1).description == SIX_MONTHLY.format(month="October 2011")
    call_command("load_demo")  # moving later rewrites the same action
    assert _action("1.2", 1).description == SIX_MONTHLY.format(month="October 2026")


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_original_dates_keep_the_notes_and_say_nothing_of_moving(client):
    call_command("load_demo", "--original-dates")
    assert "25.07.11" in _action("1.1", 2).progress_updates.get().text
    plan = BusinessPlan.objects.get(board__slug="sunderland-sscb")
    assert plan.dates_moved_years == 0
    client.force_login(get_user_model().objects.get(username="manager"))
    assert "moved forward" not in client.get(plan.get_absolute_url()).text
    # Moving again later rewrites the same notes, never adds more.
    before = ProgressUpdate.objects.count()
    call_command("load_demo")
    assert ProgressUpdate.objects.count() == before
    assert "25.07.26" in _action("1.1", 2).progress_updates.get().text


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_the_demo_invents_no_people_and_no_statutory_basis():
    """Point 12: demo logins are named for what they are; only Peterborough's seed states a
    board's statutory basis (PSCB ss.13/14, the Children's Trust s.10)."""
    call_command("load_demo")
    people = get_user_model().objects.exclude(username="admin")
    assert people.exists()
    assert set(people.values_list("first_name", flat=True)) == {"Demo"}
    stated = dict(Board.objects.exclude(statutory_basis="").values_list("slug", "statutory_basis"))
    assert stated == {
        "peterborough-pscb": "Children Act 2004 ss.13–14",
        "peterborough-ct": "Children Act 2004 s.10",
    }
    # Nor a day an action was complete: the seed never gives one.
    assert not Action.objects.filter(completed_on__isnull=False).exists()
    # Job titles only where a seed names the post (no "Board member", no Stockton or
    # Peterborough business manager, no "Improvement Programme Manager").
    seed = seed_file()
    if seed is None:
        pytest.skip("The seeds are not beside this checkout: job titles cannot be compared with them.")
    seeds = "\n".join(path.read_text(encoding="utf-8") for path in seed.parent.glob("*.txt")).lower()
    titles = set(Membership.objects.exclude(job_title="").values_list("job_title", flat=True))
    assert titles == {
        "SSCB Business Manager",
        "Chair of Quality Assurance Sub-committee",
        "Chair of Communication & Workforce Development Sub-committee",
        "Executive Director People Services",
        "Independent Chair, SSCB and SSAB",
    }
    for title in titles - {
        "Independent Chair, SSCB and SSAB"
    }:  # the seed: "Independent Chair of the SSCB and SSAB"
        assert title.lower().replace("chair of communication", "chair communication") in seeds, title


class TestTheLoadedDemo:
    """Tests that look at the demo as load_demo leaves it share one load (tests/once.py):
    each runs in a savepoint inside the class's transaction, rolled back after it."""

    @pytest.fixture(scope="class")
    @classmethod
    def loaded_demo(cls, django_db_setup, django_db_blocker):
        with rolled_back_afterwards(django_db_blocker):
            with (
                django_db_blocker.unblock(),
                time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False),
            ):
                call_command("load_demo")
            yield

    @pytest.fixture
    def demo_manager(self, loaded_demo, client):
        """The loaded demo (dates moved to 2026), signed in as its business manager."""
        client.force_login(get_user_model().objects.get(username="manager"))
        return client

    def test_notes_the_seed_gives_undated_are_stored_undated_and_shown_so(self, demo_manager):
        """Point 13: never the invented 30 September 2011 (moved: 2026)."""
        notes = ProgressUpdate.objects.filter(
            action__objective__priority_area__plan__board__slug="sunderland-sscb"
        )
        assert notes.filter(date=None).count() == 23
        assert not notes.filter(date__in=[datetime.date(2011, 9, 30), datetime.date(2026, 9, 30)]).exists()
        lay_members = _action("9.1", 1)  # "3 Lay Members appointed in April 2011": a month, as the note says
        assert lay_members.progress_updates.get().date_label == "April 2026"
        campaign = _action("9.1", 2)  # "Initial meeting held …": no date in the seed
        page = demo_manager.get(campaign.get_absolute_url()).text
        assert "Date not recorded" in page and "30 September" not in page
        plan_page = demo_manager.get(campaign.objective.priority_area.plan.get_absolute_url()).text
        assert "date not recorded:</span> Initial meeting held" in plan_page
        # The undated note is not taken for the latest one: the dated note sorts first.
        graded_care = Action.objects.with_latest_progress().get(pk=_action("4.1", 1).pk)
        assert graded_care.latest_progress_text == "Induction completed June 2026"

    def test_a_measure_belongs_to_the_row_the_seed_ties_it_to(self, demo_manager):
        """Point 14: "Appoint 2 Lay Members" is measured by "Lay members in place", not by the campaign."""
        lay_members, campaign = _action("9.1", 1), _action("9.1", 2)
        assert [m.description for m in lay_members.measures.all()] == [
            "Lay members in place",
            "Community group engagement at Board and sub-committee level",
        ]
        page = demo_manager.get(lay_members.get_absolute_url()).text
        assert "Lay members in place" in page and "Safeguarding campaign launched" not in page
        assert "Safeguarding campaign launched" in demo_manager.get(campaign.get_absolute_url()).text
        # On the plan page the measure cell sits in the action's row, not across the objective.
        plan_page = demo_manager.get(lay_members.objective.priority_area.plan.get_absolute_url()).text
        row = plan_page[plan_page.index("Appoint 2 Lay Members") :]
        row = row[: row.index("</tr>")]
        assert "Lay members in place" in row and "Safeguarding campaign launched" not in row
        # 6.1: the seed gives "No cases meet the criteria…" in the Child X row (actions 1–4),
        # and no measure in the Nursery Z row (actions 5–6).
        no_cases = "No cases meet the criteria for a Serious Case Review"
        for position in (1, 2, 3, 4):
            assert [m.description for m in rows.for_action(Measure, _action("6.1", position))] == [no_cases]
        for position in (5, 6):
            assert not rows.for_action(Measure, _action("6.1", position)).exists()
        # Evidence too: the Nursery Z rows of 6.1 are not shown the Child X review as evidence.
        nursery = _action("6.1", 5)
        assert [e.text for e in nursery.evidence_sources.all()] == ["Nursery Z Serious Case Review"]
        assert "Serious Case Review for Child X" not in demo_manager.get(nursery.get_absolute_url()).text

    def test_dates_written_in_notes_move_with_the_demo_and_the_plan_says_so_once(self, demo_manager):
        """Point 16."""
        workshop = _action("1.1", 2).progress_updates.get()
        assert workshop.text.startswith(
            "Outcome Based Accountability (OBA) workshop held 25.07.26. Further session to be held in October 2026."
        )
        assert workshop.date == datetime.date(2026, 7, 25)
        assert (
            _action("6.1", 3).progress_updates.get().text
            == "Audit of evidence planned for Sept 2026-Dec 2026"
        )
        assert (
            _action("5.1", 1).progress_updates.order_by("pk").first().text
            == "Anti-bullying Strategy agreed 2025"
        )
        plan = BusinessPlan.objects.get(board__slug="sunderland-sscb")
        page = demo_manager.get(plan.get_absolute_url()).text
        sentence = "The demo&#x27;s dates were moved forward by 15 years from the 2011–2013 original"
        assert page.count(sentence) == 1
        assert "25.07.26" in demo_manager.get(_action("1.1", 2).get_absolute_url()).text

    def test_dates_written_in_action_wording_move_with_the_demo_everywhere_it_is_shown(self, demo_manager):
        """Point 16: the seed's 1.2 says "beginning in October 2011"; moved 15 years, October 2026,
        on the plan page, the action page and the exports; document names keep their years."""
        from plans.transfer.exporter import EXPORTERS

        action = _action("1.2", 1)
        assert action.description == SIX_MONTHLY.format(month="October 2026")
        plan = action.objective.priority_area.plan
        for page in (
            demo_manager.get(plan.get_absolute_url()).text,
            demo_manager.get(action.get_absolute_url()).text,
            EXPORTERS["csv"][0](plan).decode("utf-8"),
        ):
            assert "beginning in October 2026" in page and "October 2011" not in page
        # Evidence names a document: "Working Together 2010" is not a date to move.
        assert EvidenceSource.objects.filter(
            objective__priority_area__plan=plan, text="Working Together 2010"
        ).exists()
        assert "dates written in actions and progress notes included" in plan.dates_moved_note

    def test_demo_ratings_are_illustrative_until_someone_rates_the_action(self, demo_manager):
        """Point 12 (statuses and RAG): the seed states none, the page says so, a real rating clears it."""
        action = _action("1.1", 1)
        assert action.rating_illustrative
        page = demo_manager.get(action.get_absolute_url()).text
        assert "Illustrative" in page and "The source plan records no status or RAG rating" in page
        action.status = Status.COMPLETE
        action.rag = "blue"
        action.completed_on = datetime.date(2026, 11, 23)
        action.save()
        action.refresh_from_db()
        assert not action.rating_illustrative

    def test_exports_show_each_rows_measure_undated_notes_and_the_demo_notice(self, demo_manager):
        """Points 12–16 in the Word and Excel exports: the measure sits in its action's row, an
        undated note says so, and the notice about moved dates and illustrative ratings is there."""
        import io

        import docx
        import openpyxl

        from plans.transfer.exporter import EXPORTERS

        plan = BusinessPlan.objects.get(board__slug="sunderland-sscb")
        document = docx.Document(io.BytesIO(EXPORTERS["docx"][0](plan)))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "moved forward by 15 years from the 2011–2013 original" in text
        assert "Illustrative: The source plan records no status or RAG rating" in text
        rows = [
            [cell.text for cell in row.cells]
            for table in document.tables
            for row in table.rows
            if "Appoint 2 Lay Members" in row.cells[2].text or "marketing campaign" in row.cells[2].text
        ]
        lay_members, campaign = rows
        assert "Lay members in place" in lay_members[6] and "Safeguarding campaign" not in lay_members[6]
        assert campaign[6] == "Safeguarding campaign launched across Sunderland"
        assert campaign[5].startswith("Date not recorded: Initial meeting held")

        workbook = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"][0](plan)))
        summary = [row[0] for row in workbook["Summary"].iter_rows(values_only=True) if row and row[0]]
        assert any("moved forward by 15 years" in str(value) for value in summary)
        sheet = next(ws for ws in workbook.worksheets if ws.title.startswith("9 "))
        by_action = {row[4]: row for row in sheet.iter_rows(values_only=True) if row and row[4]}
        measure = [cell.value for cell in sheet[2]].index("Measure")  # by heading: exports gain columns
        assert by_action["Appoint 2 Lay Members to the Board"][measure].startswith("Lay members in place")
        assert by_action["Review and implement the SSCB Communication Strategy and a marketing campaign"][
            measure
        ] == ("Safeguarding campaign launched across Sunderland")

    def test_every_export_and_count_marks_the_demo_ratings_illustrative(self, demo_manager):
        """Point 12: the seed states no status or RAG. Each row of the CSV, Excel and Word exports
        says so, as do the Excel summary's counts, the plan page's counts per priority area and
        the board page's counts."""
        import csv
        import io

        import docx
        import openpyxl

        from plans.transfer.exporter import EXPORTERS, ILLUSTRATIVE_RATING

        plan = BusinessPlan.objects.get(board__slug="sunderland-sscb")
        actions = Action.objects.filter(objective__priority_area__plan=plan)
        assert actions.filter(rating_illustrative=True).count() == 45
        rated = actions.first()
        rated.status, rated.rag = Status.IN_PROGRESS, "red"
        rated.save()  # someone rates it: no longer illustrative
        reference = f"A-{rated.pk}"

        rows = list(csv.DictReader(io.StringIO(EXPORTERS["csv"][0](plan).decode("utf-8-sig"))))
        marks = {row["Reference"]: row["Illustrative"] for row in rows if row["Reference"]}
        assert len(marks) == 45
        assert marks.pop(reference) == ""
        assert set(marks.values()) == {ILLUSTRATIVE_RATING}

        workbook = openpyxl.load_workbook(io.BytesIO(EXPORTERS["xlsx"][0](plan)))
        summary = list(workbook["Summary"].values)
        header = next(row for row in summary if row and row[0] == "Priority area")
        assert header[-1] == "Illustrative ratings"
        assert summary[summary.index(header) + 1 + 10][-1] == 44  # the "All priority areas" row

        document = docx.Document(io.BytesIO(EXPORTERS["docx"][0](plan)))
        word_marks = {}
        for table in document.tables:
            heads = [cell.text for cell in table.rows[0].cells]
            for line in table.rows[1:]:
                row = dict(zip(heads, (cell.text for cell in line.cells), strict=True))
                word_marks[row["Reference"]] = row["Illustrative"]
        assert word_marks.pop(reference) == ""
        assert set(word_marks.values()) == {ILLUSTRATIVE_RATING}

        plan_page = demo_manager.get(plan.get_absolute_url()).text
        counts = plan_page.split('class="govuk-body-s app-rag-counts"')[1:]
        assert len(counts) == 10
        assert all(
            "the source does not state the ratings these counts rest on" in c.split("</p>")[0] for c in counts
        )
        board_page = demo_manager.get(plan.board.get_absolute_url()).text
        line = board_page[board_page.index(f'id="plan-{plan.pk}"') :].split("</li>")[0]
        assert "45 actions" in line and "the source does not state the statuses these counts rest on" in line
