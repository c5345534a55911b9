"""The date and cell parsers read what plans write, and never raise on anything else."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.transfer.mapping import guess_field, guess_mapping, is_header_row, mapping_problems
from plans.transfer.parsing import (
    DAY,
    MONTH,
    ONGOING,
    RECURRING,
    Cell,
    Timescale,
    format_due,
    parse_area_heading,
    parse_lead,
    parse_measure,
    parse_objective,
    parse_progress_note,
    parse_timescale,
    split_items,
    split_progress,
)


@pytest.mark.parametrize(
    ("text", "due", "precision"),
    [
        ("December 2011", datetime.date(2011, 12, 31), MONTH),
        ("Dec 2011", datetime.date(2011, 12, 31), MONTH),
        ("Sept 2011", datetime.date(2011, 9, 30), MONTH),
        ("01.09.11", datetime.date(2011, 9, 1), DAY),
        ("29/02/2012", datetime.date(2012, 2, 29), DAY),
        ("2011-12-15", datetime.date(2011, 12, 15), DAY),
        ("15 December 2011", datetime.date(2011, 12, 15), DAY),
        ("1st Sept 2011", datetime.date(2011, 9, 1), DAY),
        ("Sept 2011-Dec 2011", datetime.date(2011, 12, 31), MONTH),
        ("July 2011 – Dec 2011", datetime.date(2011, 12, 31), MONTH),
        ("Sept-Dec 2011", datetime.date(2011, 12, 31), MONTH),
        ("April 2011 to March 2012", datetime.date(2012, 3, 31), MONTH),
        ("By end of March 2012", datetime.date(2012, 3, 31), MONTH),
        ("03/2012", datetime.date(2012, 3, 31), MONTH),
        ("  february   2012 ", datetime.date(2012, 2, 29), MONTH),
    ],
)
def test_timescales_the_plans_write_are_read(text, due, precision):
    timescale = parse_timescale(text)
    assert (timescale.due, timescale.precision, timescale.flagged) == (due, precision, False)
    assert timescale.text == " ".join(text.split())


@pytest.mark.parametrize("text", ["31.02.12", "13/13/2011", "Smarch 2011", "2011", "TBC", "Q5", "2024/26"])
def test_unreadable_timescales_are_kept_as_text_and_flagged(text):
    timescale = parse_timescale(text)
    assert timescale.due is None
    assert timescale.flagged
    assert timescale.text == text


def test_an_empty_timescale_is_empty_not_flagged():
    assert parse_timescale("  ") == Timescale(text="")


def test_format_due_reads_back():
    for due, precision in [(datetime.date(2011, 12, 31), MONTH), (datetime.date(2011, 11, 5), DAY)]:
        parsed = parse_timescale(format_due(due, precision))
        assert (parsed.due, parsed.precision) == (due, precision)


def test_cells_of_the_seed_plan():
    assert parse_objective("1.1 Children from all ethnic groups").value == (
        "1.1",
        "Children from all ethnic groups",
    )
    assert parse_objective("Children, no number").flagged
    assert parse_lead("Business Planning Group (BPG) (deferred to SSP led multi agency group)").value == (
        "Business Planning Group (BPG)",
        "SSP led multi agency group",
    )
    assert parse_lead("Chair of SSCB deferred to the Director of Public Health").value == (
        "Chair of SSCB",
        "Director of Public Health",
    )
    assert parse_lead("").flagged
    assert parse_measure("Reduction in repeat incidents (NI32), and then").value == (
        "Reduction in repeat incidents (NI32), and then",
        "NI32",
    )
    assert parse_progress_note("30 June 2011: Action plan reviewed").value == (
        datetime.date(2011, 6, 30),
        "Action plan reviewed",
    )
    assert parse_progress_note("Draft VAWG action plan to SSCB on 07.09.11.").value == (
        None,
        "Draft VAWG action plan to SSCB on 07.09.11.",
    )
    assert split_items("• Audit of systems, e.g. A&E, Fire, Gentoo • Establish a review process") == [
        "Audit of systems, e.g. A&E, Fire, Gentoo",
        "Establish a review process",
    ]
    assert split_progress("1 May 2011: First\nmore of it\n2 May 2011: Second") == [
        (datetime.date(2011, 5, 1), "First\nmore of it"),
        (datetime.date(2011, 5, 2), "Second"),
    ]
    assert split_progress("Leads identified\nDraft plan to SSCB") == [
        (None, "Leads identified"),
        (None, "Draft plan to SSCB"),
    ]


def test_priority_area_headings():
    heading = "Priority Area 2 – Tackle the impact of Domestic Abuse (Priority outcome 5 of Children and Young People's Plan 2010-2013)"
    assert parse_area_heading(heading).value == (
        2,
        "Tackle the impact of Domestic Abuse",
        "Priority outcome 5 of Children and Young People's Plan 2010-2013",
    )
    assert parse_area_heading("Priority Area 6 – Learning lessons from Serious Case Review (SCR)").value == (
        6,
        "Learning lessons from Serious Case Review (SCR)",
        "",
    )
    assert parse_area_heading("What do we want to achieve?").flagged


def test_headings_are_matched_by_meaning():
    assert guess_field("What do we want to achieve?") == "objective"
    assert guess_field("HOW WAS THE ISSUE IDENTIFIED") == "evidence"
    assert guess_field("Agreed Action(s)") == "action"
    assert guess_field("Lead  person:") == "lead"
    assert guess_field("Time-scale") == "timescale"
    assert guess_field("Progress to date") == "progress"
    assert guess_field("Outcome measures") == "measure"
    assert guess_field("R.A.G.") == "rag" or guess_field("RAG") == "rag"
    assert guess_field("Colour of the sky") == ""
    assert is_header_row(["Agreed Action", "Lead Person", "Timescale"])
    assert not is_header_row(["1.1 Children", "SSCB report", "Monitor the audit"])
    mapping = guess_mapping(["Action", "Actions", "Lead"])
    assert list(mapping.values()) == ["action", "", "lead"]
    assert mapping_problems({"lead": "lead"}) == ["Choose which column holds the agreed action."]
    assert mapping_problems({"a": "action", "b": "action"}) == ["Only one column can be “Agreed action”."]


# --- fuzzing: any string gives a date or a flagged text, never an exception --------------

TOKENS = [
    *list("0123456789./-– :()•\n'"),
    "Dec",
    "December",
    "Sept",
    "2011",
    "to",
    "deferred to",
    "Priority Area",
    "NI",
    "end of",
    "29",
    "02",
]
any_text = st.one_of(st.text(), st.lists(st.sampled_from(TOKENS), max_size=12).map("".join))


@settings(max_examples=250, deadline=None)
@given(any_text)
def test_any_string_is_a_date_or_flagged_text(text):
    timescale = parse_timescale(text)
    assert isinstance(timescale, Timescale)
    if timescale.due is not None:
        assert isinstance(timescale.due, datetime.date)
        assert timescale.precision in (MONTH, DAY)
        assert not timescale.flagged
    else:
        assert timescale.flagged or timescale.text == "" or timescale.recurrence in (ONGOING, RECURRING)
    # The words are never lost: only spacing and control characters are tidied.
    assert [c for c in timescale.text if c.isalnum()] == [c for c in text if c.isalnum() and c.isprintable()]


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_cell_parsers_never_raise(text):
    for parser in (parse_objective, parse_lead, parse_progress_note, parse_measure, parse_area_heading):
        result = parser(text)
        assert isinstance(result, Cell)
        assert isinstance(result.flagged, bool)
    number, description = parse_objective(text).value
    assert isinstance(number, str) and isinstance(description, str)
    date, _note = parse_progress_note(text).value
    assert date is None or isinstance(date, datetime.date)
    assert all(isinstance(item, str) and item for item in split_items(text))
    assert all(isinstance(note, str) for _, note in split_progress(text))
