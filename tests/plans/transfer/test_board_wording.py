"""Cells read as English boards write them: timescales, priority headings, column headings, RAG."""

from __future__ import annotations

import datetime

import pytest

from plans.models import Rag, Status
from plans.transfer.mapping import guess_field, guess_mapping, is_header_row, mapping_problems
from plans.transfer.parsing import (
    DAY,
    MONTH,
    ONGOING,
    RECURRING,
    parse_priority_heading,
    parse_timescale,
    quarter_end,
    split_action_number,
)
from plans.transfer.rag import rag_of_fill, read_rag_and_status

D = datetime.date
# A plan for the financial year 2024/25: "Q3", "Spring" and "By March" are read within it.
PERIOD = (D(2024, 4, 1), D(2025, 3, 31))


@pytest.mark.parametrize(
    ("text", "due", "precision"),
    [
        ("Q3 2024/25", D(2024, 12, 31), MONTH),
        ("Q4 2024/25", D(2025, 3, 31), MONTH),
        ("Q1 24/25", D(2024, 6, 30), MONTH),
        ("2024/25", D(2025, 3, 31), MONTH),
        ("2024-2025", D(2025, 3, 31), MONTH),
        ("Apr 24 – Mar 25", D(2025, 3, 31), MONTH),
        ("Mar-25", D(2025, 3, 31), MONTH),
        ("March 2025", D(2025, 3, 31), MONTH),
        ("31/03/2025", D(2025, 3, 31), DAY),
        ("By 30th September 2015", D(2015, 9, 30), DAY),
        ("Summer 2015", D(2015, 8, 31), MONTH),
        ("Winter 2015", D(2016, 2, 29), MONTH),
        ("Spring", D(2024, 5, 31), MONTH),
        ("June/July 2012", D(2012, 7, 31), MONTH),
        ("September 2014 (website permitting)", D(2014, 9, 30), MONTH),
        ("End of Q3", D(2024, 12, 31), MONTH),
        ("By March", D(2025, 3, 31), MONTH),
        ("31 Mar 25", D(2025, 3, 31), DAY),
    ],
)
def test_timescales_boards_write_are_read_against_the_plans_period(text, due, precision):
    timescale = parse_timescale(text, PERIOD)
    assert (timescale.due, timescale.precision, timescale.flagged) == (due, precision, False)
    assert timescale.text == text


@pytest.mark.parametrize(
    ("text", "recurrence"),
    [("Ongoing", ONGOING), ("On-going", ONGOING), ("Quarterly", RECURRING), ("Bi-monthly", RECURRING)],
)
def test_recurring_and_open_ended_timescales_are_kept_as_text_not_flagged(text, recurrence):
    timescale = parse_timescale(text, PERIOD)
    assert (timescale.due, timescale.flagged, timescale.recurrence, timescale.text) == (
        None,
        False,
        recurrence,
        text,
    )


def test_a_multi_line_timescale_keeps_every_line_and_is_due_at_its_latest_date():
    timescale = parse_timescale("Report to board Dec 2024\nthen quarterly\nfinal March 2025", PERIOD)
    assert timescale.text == "Report to board Dec 2024\nthen quarterly\nfinal March 2025"
    assert (timescale.due, timescale.recurrence) == (D(2025, 3, 31), RECURRING)


def test_financial_quarters_end_in_june_september_december_and_march():
    assert [quarter_end(2024, quarter) for quarter in (1, 2, 3, 4)] == [
        D(2024, 6, 30),
        D(2024, 9, 30),
        D(2024, 12, 31),
        D(2025, 3, 31),
    ]


def test_quarter_and_season_without_a_year_need_the_plans_period():
    assert parse_timescale("End of Q3").flagged
    assert parse_timescale("Spring").flagged


@pytest.mark.parametrize(
    ("text", "number", "sub", "title"),
    [
        ("Priority Area 1 – Early help", 1, "", "Early help"),
        ("PRIORITY 1a Neglect", 1, "1a", "Neglect"),
        ("PRIORITY 1b: Exploitation", 1, "1b", "Exploitation"),
        ("Priority One", 1, "", ""),
        ("Strategic Priority 2: Exploitation", 2, "", "Exploitation"),
        ("Theme One – Voice of the child", 1, "", "Voice of the child"),
        ("Ambition 1: Children grow up safe", 1, "", "Children grow up safe"),
        ("Outcome 3 – People are safe at home", 3, "", "People are safe at home"),
        ("Workstream 2", 2, "", ""),
        ("WS3", 3, "", ""),
        ("Priority Area 1 – Priority Area 1", 1, "", ""),
    ],
)
def test_priority_headings_in_the_forms_boards_use(text, number, sub, title):
    heading = parse_priority_heading(text)
    assert (heading.number, heading.sub, heading.title) == (number, sub, title)


@pytest.mark.parametrize(
    "text",
    ["WS3P21 Review the plan", "Outcome measures", "What do we want to achieve?", "Outcome 3", "Area 2"],
)
def test_text_that_is_not_a_priority_heading(text):
    assert parse_priority_heading(text) is None


def test_the_plans_own_action_numbers():
    assert split_action_number("1. Publish the strategy") == ("1", "Publish the strategy")
    assert split_action_number("3.2 Review the audit") == ("3.2", "Review the audit")
    assert split_action_number("1a) Train staff") == ("1a", "Train staff")
    assert split_action_number("WS3P21 Review the MASH") == ("WS3P21", "Review the MASH")
    assert split_action_number("12 month review of cases") == ("", "12 month review of cases")
    assert split_action_number("NI64 data reviewed") == ("", "NI64 data reviewed")


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Specific actions", "action"),
        ("Key Actions", "action"),
        ("What will it do?", "action"),
        ("How will we do this?", "action"),
        ("Timescale/Target", "timescale"),
        ("By when", "timescale"),
        ("Deadline", "timescale"),
        ("Target date", "timescale"),
        ("R/A/G", "rag"),
        ("RAG status", "rag"),
        ("Status", "status"),
        ("Responsible lead/group", "lead"),
        ("Lead officer/agency", "lead"),
        ("Owner", "lead"),
        ("Accountable", "lead"),
        ("Desired outcome", "measure"),
        ("Expected outcome", "measure"),
        ("Success measure", "measure"),
        ("Evidence of impact", "measure"),
        ("Monitoring and evaluation", "measure"),
        ("Comments", "progress"),
        ("Update", "progress"),
        ("Progress update", "progress"),
        ("Q1 update", "q1"),
        ("Quarter 2 update", "q2"),
        ("Q3 2024/25", "q3"),
        ("Q4", "q4"),
        ("Ofsted paragraph", "evidence"),
        ("Ofsted reference", "evidence"),
        ("Ref", "number"),
        ("Action no.", "number"),
    ],
)
def test_column_headings_are_recognised_by_meaning(heading, field):
    assert guess_field(heading) == field


def test_several_outcome_and_progress_columns_are_all_kept():
    headings = ["Action", "Desired outcome", "Success measure", "Comments", "Update", "Lead"]
    mapping = guess_mapping(headings)
    assert list(mapping.values()) == ["action", "measure", "measure", "progress", "progress", "lead"]
    assert mapping_problems(mapping) == []
    assert is_header_row(["Specific actions", "By when", "Responsible lead/group", "R/A/G"])


@pytest.mark.parametrize(
    ("rag_text", "status_text", "fill", "status", "rag", "note"),
    [
        ("G", "", "", Status.IN_PROGRESS, Rag.GREEN, ""),
        ("Amber", "In progress", "", Status.IN_PROGRESS, Rag.AMBER, ""),
        ("A/G", "", "", Status.IN_PROGRESS, Rag.AMBER, "RAG as written in the file: A/G"),
        ("R/A", "", "", Status.IN_PROGRESS, Rag.RED, "RAG as written in the file: R/A"),
        ("Complete", "", "", Status.COMPLETE, Rag.BLUE, ""),
        ("Completed", "", "", Status.COMPLETE, Rag.BLUE, ""),
        ("", "Done", "", Status.COMPLETE, Rag.BLUE, ""),
        ("Blue", "", "", Status.COMPLETE, Rag.BLUE, ""),
        ("", "", "FF0000", Status.IN_PROGRESS, Rag.RED, ""),
        ("", "", "FFC000", Status.IN_PROGRESS, Rag.AMBER, ""),
        ("", "", "00B050", Status.IN_PROGRESS, Rag.GREEN, ""),
        ("", "", "FF92D050", Status.IN_PROGRESS, Rag.GREEN, ""),
        ("", "", "D9D9D9", Status.NOT_STARTED, Rag.NOT_RATED, ""),
        ("", "Green", "", Status.IN_PROGRESS, Rag.GREEN, ""),
        ("Red", "Not started", "", Status.NOT_STARTED, Rag.RED, ""),
    ],
)
def test_rag_as_boards_record_it(rag_text, status_text, fill, status, rag, note):
    reading = read_rag_and_status(rag_text, status_text, fill)
    assert (reading.status, reading.rag, reading.note) == (status, rag, note)


def test_shading_colours():
    assert [rag_of_fill(c) for c in ("C00000", "FFFF00", "92D050", "0070C0", "FFFFFF", "auto", "")] == [
        Rag.RED,
        Rag.AMBER,
        Rag.GREEN,
        Rag.BLUE,
        "",
        "",
        "",
    ]
