"""Exports say what the plan page says, and an exported plan imported into a new plan is
the same plan, field by field: on the demo plan (with its dates moved forward, as
``load_demo`` does by default) and on a generated plan of 300 actions."""

from __future__ import annotations

import csv
import datetime
import io
import itertools

import docx
import openpyxl
import pytest
import time_machine

from plans.demo import load_demo
from plans.due_dates import change_due_date
from plans.editing import month_end
from plans.models import Action, BusinessPlan, DuePrecision, Measure, Rag, Recurrence, Status
from plans.transfer.exporter import EXPORTERS, WORD_COLUMNS, load_areas
from plans.transfer.files import read_upload
from plans.transfer.importer import write_draft
from plans.transfer.mapping import guess_mapping
from plans.transfer.preview import build_draft
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    BusinessPlanFactory,
    EvidenceSourceFactory,
    MeasureFactory,
    MembershipFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.once import rolled_back_afterwards

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def full_snapshot(plan: BusinessPlan) -> list:
    """Everything the plan page and the action page show, field by field. The raw
    timescale text is compared where it is what the pages show (no due date); where a date
    is set the pages show the date, and so does ``timescale``."""
    areas = []
    for area in load_areas(plan):
        objectives = []
        for objective in area.objectives.all():
            actions = []
            for action, (evidence, measures) in zip(
                objective.actions.all(), objective.row_items, strict=False
            ):
                actions.append(
                    {
                        "number": action.number,
                        "description": action.description,
                        "lead": action.lead_role,
                        "deferred_to": action.deferred_to,
                        "lead_agency": action.lead_agency.name if action.lead_agency else None,
                        "sub_committee": action.lead_sub_committee.name
                        if action.lead_sub_committee
                        else None,
                        "timescale": action.timescale,
                        "timescale_text": "" if action.due_date else action.timescale_text,
                        "due": action.due_date,
                        "precision": action.due_precision,
                        "recurrence": action.recurrence,
                        "status": action.status,
                        "rag": action.rag,
                        "completed_on": action.completed_on,
                        "rating_illustrative": action.rating_illustrative,
                        "progress": sorted(
                            (str(n.date), n.date_precision, n.text) for n in action.progress_updates.all()
                        ),
                        # The evidence and measures of the action's row, in the row's order
                        # (plans.rows): the objective's own and those tied to this action.
                        "evidence": [source.text for source in evidence],
                        "measures": [(m.description, m.indicator_code) for m in measures],
                    }
                )
            objectives.append(
                {
                    "number": objective.number,
                    "description": objective.description,
                    "evidence": sorted({source.text for source in objective.evidence_sources.all()}),
                    "measures": sorted({(m.description, m.indicator_code) for m in objective.measures.all()}),
                    "actions": actions,
                }
            )
        areas.append(
            {
                "number": area.number,
                "title": area.title,
                "link": area.wider_plan_link,
                "lead": area.lead,
                "objectives": objectives,
            }
        )
    return areas


def import_into_new_plan(name: str, data: bytes, source: BusinessPlan, user) -> tuple[BusinessPlan, dict]:
    extracted = read_upload(name, data).as_json()
    headings = [heading for table in extracted["tables"] for heading in table["header"]]
    draft = build_draft(
        extracted, guess_mapping(headings), plan=None, progress_as_of=TODAY, board=source.board
    )
    assert draft["error_count"] == 0, draft["issues"]
    new_plan = {
        "title": f"{source.title} ({name})",
        "period_start": source.period_start.isoformat(),
        "period_end": source.period_end.isoformat(),
    }
    return write_draft(draft, user=user, board=source.board, new_plan=new_plan), draft


def _rows(fmt: str, data: bytes) -> list[dict[str, str]]:
    """Every action row of an export, as {heading: text}."""
    if fmt == "csv":
        return [r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))) if r["Reference"]]
    if fmt == "xlsx":
        rows = []
        for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets[1:]:
            header = [cell.value for cell in sheet[2]]
            for line in sheet.iter_rows(min_row=3, values_only=True):
                row = {h: v or "" for h, v in zip(header, line, strict=True)}
                if row["Reference"]:
                    rows.append(row)
        return rows
    rows = []
    for table in docx.Document(io.BytesIO(data)).tables:
        header = [cell.text for cell in table.rows[0].cells]
        for line in table.rows[1:]:
            row = dict(zip(header, (cell.text for cell in line.cells), strict=True))
            if row["Reference"]:
                rows.append(row)
    return rows


def generated_plan_of_300_actions() -> BusinessPlan:
    """300 actions across 6 priority areas: every status, RAG, both precisions, undated
    timescales, deferrals, multi-line and dated progress, evidence and measures; the plan's
    own action numbers, ongoing and recurring work (with and without a date), strategic
    leads of areas, measures of one action and evidence for some actions between the
    objective's own, an objective with no actions yet, and partner agencies leading some
    actions (one agency named like a lead person)."""
    plan = BusinessPlanFactory(title="Generated plan", period_start=datetime.date(2026, 4, 1))
    agencies = [
        AgencyFactory(partnership=plan.board.partnership, name="Northumbria Police"),
        AgencyFactory(partnership=plan.board.partnership, name="LSCB Business Manager"),
    ]
    manager = UserFactory()
    MembershipFactory(user=manager, board=plan.board, role="manager")
    statuses = itertools.cycle([Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE, Status.DEFERRED])
    rags = itertools.cycle([Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED])
    n = 0
    for area_number in range(1, 7):
        area = PriorityAreaFactory(
            plan=plan,
            number=area_number,
            title=f"Priority {area_number} – safeguarding",
            lead="Director of Children's Services" if area_number % 2 else "",
        )
        for position in range(1, 6):
            objective = ObjectiveFactory(
                priority_area=area, position=position, number=f"{area_number}.{position}"
            )
            EvidenceSourceFactory(objective=objective, position=1, text=f"Audit {area_number}.{position}")
            # Evidence for the objective's first three actions only (tied below).
            some_rows = EvidenceSourceFactory(
                objective=objective, position=2, text=f"Serious case review {area_number}.{position}"
            )
            EvidenceSourceFactory(objective=objective, position=3, text="Section 11 returns")
            MeasureFactory(
                objective=objective, position=1, description=f"Measure {area_number}.{position} improved"
            )
            objective_actions = []
            for index in range(1, 11):
                n += 1
                status = next(statuses)
                rag = Rag.BLUE if status == Status.COMPLETE else next(rags)
                day = n % 3 == 0
                due = datetime.date(2026 + n % 2, 1 + n % 12, 1 + n % 28)
                dated = n % 10 != 7
                action = ActionFactory(
                    objective=objective,
                    position=index,
                    description=f"Action {n}: deliver the agreed multi-agency step",
                    lead_role="Chair of Quality Assurance Sub-committee"
                    if n % 2
                    else "LSCB Business Manager",
                    deferred_to="Stay Safe Partnership" if n % 17 == 0 else "",
                    lead_agency=agencies[n % 2] if n % 3 == 1 else None,
                    due_date=(due if day else due.replace(day=28)) if dated else None,
                    due_precision=DuePrecision.DAY if day and dated else DuePrecision.MONTH,
                    timescale_text=""
                    if dated
                    else ("Quarterly" if n % 20 == 7 else "To be agreed with partners"),
                    recurrence=Recurrence.RECURRING
                    if n % 20 == 7 or n % 25 == 0
                    else (Recurrence.ONGOING if n % 30 == 1 else Recurrence.ONCE),
                    number=f"{area_number}.{position}.{index}" if n % 3 else "",
                    status=status,
                    rag=rag,
                    completed_on=datetime.date(2026, 6, 1 + n % 28) if status == Status.COMPLETE else None,
                )
                if dated and not day:
                    # A month timescale is stored as the month's last day (as forms and imports do).
                    action.due_date = month_end(action.due_date)
                    action.save()
                objective_actions.append(action)
                for k in range(n % 4):
                    ProgressUpdateFactory(
                        action=action,
                        date=datetime.date(2026, 5 + k, 10 + n % 15),
                        text=f"Note {k} on action {n}" + ("\nwith a second line" if k == 1 else ""),
                    )
            some_rows.actions.set(objective_actions[:3])
            # Measures of one action each, numbered between the objective's own.
            MeasureFactory(
                objective=objective,
                position=2,
                action=objective_actions[1],
                description="Lay members in place",
            )
            MeasureFactory(
                objective=objective,
                position=3,
                description=f"Fewer repeat referrals {area_number}.{position}",
            )
            for copy, action in enumerate(objective_actions[5:8], start=4):
                # One measure the plan gives for a row of three actions: held once per action.
                MeasureFactory(
                    objective=objective, position=copy, action=action, description="Audit completed"
                )
        ObjectiveFactory(
            priority_area=area, position=6, number=f"{area_number}.6", description="Not started yet"
        )
    assert n == 300
    return plan


class TestTheDemoPlan:
    """These tests share one load_demo (tests/once.py): each runs in a savepoint inside the
    class's transaction, rolled back after it, so what one imports the next does not see."""

    @pytest.fixture(scope="class")
    @classmethod
    def loaded_demo(cls, django_db_setup, django_db_blocker):
        with rolled_back_afterwards(django_db_blocker):
            with (
                django_db_blocker.unblock(),
                time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False),
            ):
                load_demo(TODAY)  # dates moved forward: the seed's "December 2011" is due in a later year
            yield

    @pytest.fixture
    def demo_plan(self, loaded_demo) -> BusinessPlan:
        return BusinessPlan.objects.get(board__slug="sunderland-sscb")

    def test_timescale_and_due_date_in_every_export_say_what_the_plan_page_says(self, client, demo_plan):
        manager = demo_plan.board.memberships.get(role="manager").user
        moved = Action.objects.filter(
            objective__priority_area__plan=demo_plan, due_date__isnull=False
        ).first()
        with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0), tick=False):
            change_due_date(
                moved, moved.due_date.replace(year=moved.due_date.year + 1), user=manager, reason="Later"
            )
        client.force_login(manager)
        page = client.get(demo_plan.get_absolute_url()).text
        actions = {
            f"A-{a.pk}": a
            for a in Action.objects.with_first_due_date().filter(objective__priority_area__plan=demo_plan)
        }
        # The demo's dates really were moved: the seed's words are not the due date any more.
        assert any(a.timescale_text and a.timescale_text != a.timescale for a in actions.values())
        for fmt in ("xlsx", "csv", "docx"):
            rows = _rows(fmt, EXPORTERS[fmt][0](demo_plan))
            assert len(rows) == len(actions), fmt
            for row in rows:
                action = actions[row["Reference"]]
                assert row["Timescale"] == (action.timescale if action.due_date else action.timescale_text), (
                    fmt
                )
                if fmt != "docx":
                    assert row["Due date"] == (action.timescale if action.due_date else ""), fmt
                assert row["Originally due"] == action.original_timescale, fmt
                # The plan page says the same words.
                shown = (
                    f"Originally {row['Originally due']}, now {row['Timescale']}"
                    if row["Originally due"]
                    else row["Timescale"]
                )
                assert shown in page, (fmt, shown)
        assert actions[f"A-{moved.pk}"].original_timescale  # the moved one says where it started

    def test_word_export_is_a4_landscape_with_the_round_trip_columns(self, demo_plan):
        document = docx.Document(io.BytesIO(EXPORTERS["docx"][0](demo_plan)))
        section = document.sections[0]
        assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
        assert section.orientation == 1  # WD_ORIENT.LANDSCAPE
        assert [cell.text for cell in document.tables[0].rows[0].cells] == WORD_COLUMNS

    @pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
    def test_the_demo_plan_exported_and_imported_into_a_new_plan_is_the_same_plan(self, demo_plan, fmt):
        manager = demo_plan.board.memberships.get(role="manager").user
        imported, _ = import_into_new_plan(f"export.{fmt}", EXPORTERS[fmt][0](demo_plan), demo_plan, manager)
        assert full_snapshot(imported) == full_snapshot(demo_plan)


class TestTheGeneratedPlan:
    """These tests share one generated plan (tests/once.py): each runs in a savepoint inside
    the class's transaction, rolled back after it, so what one imports the next does not see."""

    @pytest.fixture(scope="class")
    @classmethod
    def generated_plan_pk(cls, django_db_setup, django_db_blocker):
        with rolled_back_afterwards(django_db_blocker):
            with (
                django_db_blocker.unblock(),
                time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False),
            ):
                pk = generated_plan_of_300_actions().pk
            yield pk

    @pytest.fixture
    def generated_plan(self, generated_plan_pk) -> BusinessPlan:
        return BusinessPlan.objects.get(pk=generated_plan_pk)

    def test_the_generated_plan_has_what_its_round_trip_must_keep(self, generated_plan):
        """The fixture really holds each thing the round trip is asked to keep."""
        actions = Action.objects.filter(objective__priority_area__plan=generated_plan)
        assert {a.recurrence for a in actions} == set(Recurrence.values)
        assert actions.filter(recurrence=Recurrence.RECURRING, due_date__isnull=False).exists()
        assert actions.exclude(number="").exists() and actions.filter(number="").exists()
        assert generated_plan.priority_areas.exclude(lead="").exists()
        assert {a.lead_agency.name for a in actions if a.lead_agency} == {
            "Northumbria Police",
            "LSCB Business Manager",
        }
        assert actions.filter(lead_agency__isnull=True).exists()
        assert (
            Measure.objects.filter(
                objective__priority_area__plan=generated_plan, action__isnull=False
            ).count()
            == 30 * 4
        )

    @pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx"])
    def test_a_generated_plan_of_300_actions_round_trips_field_by_field(self, generated_plan, fmt):
        manager = generated_plan.board.memberships.get(role="manager").user
        imported, draft = import_into_new_plan(
            f"export.{fmt}", EXPORTERS[fmt][0](generated_plan), generated_plan, manager
        )
        assert draft["counts"]["actions"] == 300
        assert full_snapshot(imported) == full_snapshot(generated_plan)

    def test_status_rag_and_progress_dates_survive_a_word_round_trip(self, generated_plan):
        manager = generated_plan.board.memberships.get(role="manager").user
        imported, _ = import_into_new_plan(
            "export.docx", EXPORTERS["docx"][0](generated_plan), generated_plan, manager
        )

        def facts(plan):
            return sorted(
                (
                    a.description,
                    a.lead_agency_id,
                    a.status,
                    a.rag,
                    a.completed_on,
                    tuple(sorted(str(n.date) for n in a.progress_updates.all())),
                )
                for a in Action.objects.filter(objective__priority_area__plan=plan).prefetch_related(
                    "progress_updates"
                )
            )

        assert facts(imported) == facts(generated_plan)
        assert {s for _, _, s, *_ in facts(imported)} == set(Status.values)
