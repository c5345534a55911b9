"""Excel and CSV plans laid out as English boards publish them, imported with the app's own
column proposal (the comment on each names the kind of board and year; the words are invented)."""

from __future__ import annotations

import csv
import datetime
import io

from plans.models import Rag, Status
from plans.transfer.parsing import ONGOING, RECURRING

from .build import (
    actions,
    errors,
    fill,
    financial_year,
    import_draft,
    save_workbook,
    summary,
    with_cached_values,
    workbook,
)

RED, AMBER, GREEN, BLUE, UNRATED = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_RATED
NOT_STARTED, COMPLETE = Status.NOT_STARTED, Status.COMPLETE


def act(action, lead, due, rag=UNRATED, status=None, number=""):
    if status is None:  # a rated action with no status of its own is under way
        status = Status.IN_PROGRESS if rag in (RED, AMBER, GREEN) else NOT_STARTED
    return {"number": number, "action": action, "lead": lead, "due": due, "rag": rag, "status": status}


def test_partnership_workbook_2024_one_sheet_per_priority_with_summary_and_hidden_sheets():
    # Shape of a Safeguarding Children Partnership workbook, 2024/25: a summary sheet counting
    # RAG ratings with COUNTIF formulas, one sheet per priority named "Priority N …", a hidden
    # sheet of drop-down lists, Q1/Q2 update columns and financial-year timescales.
    book = workbook()
    summary_sheet = book.active
    summary_sheet.title = "Summary"
    summary_sheet.append(["Priority", "Red", "Amber", "Green"])
    summary_sheet.append(["Priority 1", "=COUNTIF('Priority 1 Neglect'!F:F,\"R\")", "=1+1", None])
    header = [
        "Key actions",
        "By when",
        "Lead officer/agency",
        "Expected outcome",
        "Success measure",
        "RAG status",
        "Q1 update",
        "Q2 update",
    ]
    first = book.create_sheet("Priority 1 Neglect")
    first.append(header)
    first.append(
        [
            "Launch the neglect strategy",
            "Q1 2024/25",
            "Head of Early Help",
            "Strategy known",
            "90% staff aware",
            "G",
            "Launched in May",
            "Briefings held",
        ]
    )
    first.append(["Audit neglect cases", "Q3 2024/25", "QA group", "", "", "A", "", "Audit planned"])
    second = book.create_sheet("Priority 2 Exploitation")
    second.append(header)
    second.append(["Map exploitation hot spots", "2024/25", "Police", "", "", "R", "", ""])
    lists = book.create_sheet("Lists")
    lists.append(["R"])
    lists.append(["A"])
    lists.sheet_state = "hidden"
    data = with_cached_values(save_workbook(book), {"COUNTIF('Priority 1 Neglect'!F:F,\"R\")": "0"})
    draft = import_draft("partnership.xlsx", data, financial_year(2024))

    assert errors(draft) == []
    assert summary(draft) == [
        (1, "Neglect", "", [("1", "Neglect", [
            act("Launch the neglect strategy", "Head of Early Help", "2024-06-30", GREEN),
            act("Audit neglect cases", "QA group", "2024-12-31", AMBER),
        ])]),
        (2, "Exploitation", "", [("2", "Exploitation", [act("Map exploitation hot spots", "Police", "2025-03-31", RED)])]),
    ]  # fmt: skip
    launch, audit, _map = actions(draft)
    # Q1 and Q2 updates are progress notes dated at the quarters' ends of the plan's year.
    assert [(note["date"], note["text"]) for note in launch["progress"]] == [
        ("2024-06-30", "Launched in May"),
        ("2024-09-30", "Briefings held"),
    ]
    assert [(note["date"], note["text"]) for note in audit["progress"]] == [("2024-09-30", "Audit planned")]
    assert [m["description"] for m in launch["measures"]] == ["Strategy known", "90% staff aware"]
    # The summary sheet's formulas are read as their values, never run; the hidden sheet is left out.
    messages = [issue["message"] for issue in draft["issues"]]
    assert any("hold formulas: their last calculated values are read" in m for m in messages)
    assert {"where": "Sheet “Lists”", "text": "Lists", "reason": "A hidden sheet: left out."} in draft[
        "skipped"
    ]


def test_partnership_workbook_2023_workstreams_with_own_numbers_and_rag_by_shading_only():
    # Shape of a partnership's workstream tracker, 2023/24: one sheet per workstream named
    # "WS1", "WS3"; the plan's own numbers such as "WS3P21"; the RAG column shaded, with no
    # words; monitoring text over several lines.
    book = workbook()
    sheet = book.active
    sheet.title = "WS3"
    sheet.append(["Ref", "Action", "Responsible lead", "Timescale", "Monitoring and evaluation", "RAG"])
    sheet.append(
        [
            "WS3P21",
            "Review the front door",
            "MASH manager",
            "Mar-24",
            "Dip sample monthly\nReport to exec",
            None,
        ]
    )
    sheet.append(["WS3P22", "Refresh thresholds", "Partnership manager", "Apr 23 – Mar 24", None, None])
    sheet.append(["WS3P23", "Publish the annual report", "Business manager", "End of Q3", None, None])
    fill(sheet, "F2", "FF0000")
    fill(sheet, "F3", "FFC000")
    fill(sheet, "F4", "0070C0")
    draft = import_draft("ws.xlsx", save_workbook(book), financial_year(2023))

    assert errors(draft) == []
    assert summary(draft) == [
        (3, "WS3", "", [("3", "WS3", [
            act("Review the front door", "MASH manager", "2024-03-31", RED, number="WS3P21"),
            act("Refresh thresholds", "Partnership manager", "2024-03-31", AMBER, number="WS3P22"),
            act("Publish the annual report", "Business manager", "2023-12-31", BLUE, COMPLETE, "WS3P23"),
        ])]),
    ]  # fmt: skip
    review = actions(draft)[0]
    assert [m["description"] for m in review["measures"]] == ["Dip sample monthly\nReport to exec"]


def test_health_and_wellbeing_board_workbook_2013_with_outcome_rows_merged_across():
    # Shape of a Health and Wellbeing Board delivery plan, 2013/14: one sheet; "Outcome N –"
    # rows merged across the table between groups of actions; recurring timescales.
    book = workbook()
    sheet = book.active
    sheet.title = "Delivery plan"
    sheet.append(["Health and Wellbeing Delivery Plan 2013/14"])
    sheet.append(["Action", "Lead", "Timescale", "Monitoring", "RAG"])
    sheet.append(["Outcome 1 – Children have the best start in life"])
    sheet.merge_cells("A3:E3")
    sheet.append(["Commission a health visiting review", "Public Health", "Dec 2013", "Review received", "G"])
    sheet.append(["Report breastfeeding rates", "Public Health", "Quarterly", "", "A"])
    sheet.append(["Outcome 2 – Adults live independently"])
    sheet.merge_cells("A6:E6")
    sheet.append(["Publish a carers' strategy", "Adult Social Care", "Bi-monthly", "", "R"])
    sheet.append(["Keep the JSNA up to date", "JSNA group", "Ongoing", "", "Done"])
    draft = import_draft("hwb.xlsx", save_workbook(book), financial_year(2013))

    assert errors(draft) == []
    assert summary(draft) == [
        (1, "Children have the best start in life", "", [("1", "Children have the best start in life", [
            act("Commission a health visiting review", "Public Health", "2013-12-31", GREEN),
            act("Report breastfeeding rates", "Public Health", None, AMBER),
        ])]),
        (2, "Adults live independently", "", [("2", "Adults live independently", [
            act("Publish a carers' strategy", "Adult Social Care", None, RED),
            act("Keep the JSNA up to date", "JSNA group", None, BLUE, COMPLETE),
        ])]),
    ]  # fmt: skip
    assert [a["recurrence"] for a in actions(draft)] == ["", RECURRING, RECURRING, ONGOING]
    # The title above the headings and the outcome rows are accounted for.
    skipped = {entry["where"]: entry["reason"] for entry in draft["skipped"]}
    assert skipped["Sheet “Delivery plan”, row 1"] == "Above the table's column headings: left out."
    assert skipped["Sheet “Delivery plan”, row 3"] == "Read as a priority heading."


def test_safeguarding_adults_board_workbook_2018_with_quarterly_updates_and_strategic_priorities():
    # Shape of a Safeguarding Adults Board annual plan kept in Excel, 2018/19: a "Strategic
    # priority" column naming the priority on each row, "Q1 update" … "Q4 update" columns.
    book = workbook()
    sheet = book.active
    sheet.append(
        [
            "Strategic priority",
            "Action",
            "Owner",
            "Timescale",
            "Q1 update",
            "Q2 update",
            "Q3 update",
            "Q4 update",
            "Status",
        ]
    )
    sheet.append(
        [
            "Strategic Priority 1: Prevention",
            "Run a scams awareness week",
            "Trading Standards",
            "Apr 18 – Mar 19",
            "Planned",
            "Held in July",
            "",
            "Evaluated",
            "Complete",
        ]
    )
    sheet.append(
        [
            "Strategic Priority 1: Prevention",
            "Publish a self-neglect leaflet",
            "SAB Manager",
            "End of Q3",
            "",
            "",
            "Drafted",
            "",
            "In progress",
        ]
    )
    sheet.append(
        [
            "Strategic Priority 2: Learning",
            "Share SAR learning",
            "SAR sub-group",
            "Mar-19",
            "",
            "",
            "",
            "",
            "Not started",
        ]
    )
    draft = import_draft("sab.xlsx", save_workbook(book), financial_year(2018))

    assert errors(draft) == []
    assert summary(draft) == [
        (1, "Prevention", "", [("1", "Prevention", [
            act("Run a scams awareness week", "Trading Standards", "2019-03-31", BLUE, COMPLETE),
            act("Publish a self-neglect leaflet", "SAB Manager", "2018-12-31", UNRATED, Status.IN_PROGRESS),
        ])]),
        (2, "Learning", "", [("2", "Learning", [act("Share SAR learning", "SAR sub-group", "2019-03-31")])]),
    ]  # fmt: skip
    scams = actions(draft)[0]
    assert [(note["date"], note["text"]) for note in scams["progress"]] == [
        ("2018-06-30", "Planned"),
        ("2018-09-30", "Held in July"),
        ("2019-03-31", "Evaluated"),
    ]


def test_lscb_csv_2015_with_strategic_priority_column_and_comments():
    # Shape of an LSCB plan saved from Excel as CSV, 2015/16: a "Strategic priority" column,
    # "By when", "Lead", "Comments" and "RAG" with "Done"; actions with their own numbers.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Strategic priority", "Action", "By when", "Lead", "Comments", "RAG"])
    writer.writerow(
        [
            "Strategic Priority 1 – Neglect",
            "1.1 Launch the neglect toolkit",
            "Summer 2015",
            "Neglect lead",
            "Launched 1 June 2015: well received",
            "Done",
        ]
    )
    writer.writerow(["", "1.2 Train health visitors", "31/03/2016", "Designated Nurse", "", "G"])
    writer.writerow(["Strategic Priority 2 – CSE", "2.1 Map risk", "Q2 2015/16", "CSE lead", "", "A"])
    draft = import_draft(
        "plan.csv", buffer.getvalue().encode(), financial_year(2015), as_of=datetime.date(2015, 9, 30)
    )

    assert errors(draft) == []
    assert summary(draft) == [
        (1, "Neglect", "", [("1", "Neglect", [
            act("Launch the neglect toolkit", "Neglect lead", "2015-08-31", BLUE, COMPLETE, "1.1"),
            act("Train health visitors", "Designated Nurse", "2016-03-31", GREEN, number="1.2"),
        ])]),
        (2, "CSE", "", [("2", "CSE", [act("Map risk", "CSE lead", "2015-09-30", AMBER, number="2.1")])]),
    ]  # fmt: skip
    assert [(n["date"], n["text"]) for n in actions(draft)[0]["progress"]] == [
        ("2015-09-30", "Launched 1 June 2015: well received")
    ]


def test_partnership_tracker_2021_rag_shaded_with_theme_colours():
    # Shape of a partnership's action tracker, 2021/22, whose RAG cells are shaded with the
    # workbook theme's colours ("Accent 2", "Accent 3", "Accent 6") rather than standard ones.
    from openpyxl.styles import Color, PatternFill

    book = workbook()
    sheet = book.active
    sheet.title = "Priority 1 Early help"
    sheet.append(["Action", "Lead", "Deadline", "RAG"])
    sheet.append(["Refresh the early help offer", "Early Help lead", "Sept 2021", None])
    sheet.append(["Train family workers", "Workforce lead", "Dec 2021", None])
    sheet.append(["Survey families", "Partnership manager", "Mar 2022", None])
    for ref, theme in (("D2", 5), ("D3", 6), ("D4", 9)):  # accent2 red, accent3 green, accent6 orange
        sheet[ref].fill = PatternFill(fill_type="solid", fgColor=Color(theme=theme, tint=0.0))
    draft = import_draft("tracker.xlsx", save_workbook(book), financial_year(2021))

    assert errors(draft) == []
    assert [(a["description"], a["rag"]) for a in actions(draft)] == [
        ("Refresh the early help offer", RED),
        ("Train family workers", GREEN),
        ("Survey families", AMBER),
    ]
