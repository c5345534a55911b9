"""Word plans laid out as English boards publish them, imported with the app's own column proposal.

Each document is generated here in the shape of a kind of published plan (the comment names the
kind of board and the year); the words are invented. Each must preview with zero errors and read
into the expected priority areas, objectives, actions, leads, due dates, RAG and progress.
"""

from __future__ import annotations

from plans.models import Rag, Status
from plans.transfer.parsing import ONGOING, RECURRING

from .build import (
    actions,
    document,
    errors,
    financial_year,
    import_draft,
    numbered,
    save,
    summary,
    word_table,
)

RED, AMBER, GREEN, BLUE, UNRATED = Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_RATED
NOT_STARTED, IN_PROGRESS, COMPLETE = Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE


def act(action, lead, due, rag=UNRATED, status=None, number=""):
    if status is None:  # a rated action with no status of its own is under way
        status = Status.IN_PROGRESS if rag in (RED, AMBER, GREEN) else NOT_STARTED
    return {"number": number, "action": action, "lead": lead, "due": due, "rag": rag, "status": status}


def lscb_2014_docx() -> bytes:
    # Shape of a Local Safeguarding Children Board business plan, 2014/15: a "Priority Area N –"
    # paragraph above each table; no objective column; an "Objectives" merged row with a list,
    # a merged row naming the priority's strategic lead; RAG letters.
    doc = document()
    doc.add_paragraph("Business Plan 2014/15")
    doc.add_paragraph("Priority Area 1 – Early help for families")
    header = ["Action", "Timescale", "Lead", "Outcome / measure", "RAG"]
    word_table(
        doc,
        header,
        [
            "Strategic lead: Director of Children's Services",
            "Objectives",
            "Families get help before problems grow",
            ["Publish the early help strategy", "Jun 2014", "Early Help Manager", "Strategy published", "G"],
            ["Audit early help assessments", "Q3 2014/15", "QA sub-group", "Audit report to board", "A"],
        ],
    )
    doc.add_paragraph("Priority Area 2 – Neglect")
    word_table(
        doc,
        header,
        [
            [
                "Roll out the neglect toolkit",
                "March 2015",
                "Neglect lead",
                "Toolkit used in 80% of cases",
                "R",
            ],
            ["Train 200 staff", "Ongoing", "Training sub-group", "", "Complete"],
        ],
    )
    return save(doc)


def test_lscb_business_plan_2014_with_no_objective_column():
    draft = import_draft("plan.docx", lscb_2014_docx(), financial_year(2014))

    assert errors(draft) == []
    assert summary(draft) == [
        (
            1,
            "Early help for families",
            "Director of Children's Services",
            [
                (
                    "1.1",
                    "Families get help before problems grow",
                    [
                        act("Publish the early help strategy", "Early Help Manager", "2014-06-30", GREEN),
                        act("Audit early help assessments", "QA sub-group", "2014-12-31", AMBER),
                    ],
                )
            ],
        ),
        (
            2,
            "Neglect",
            "",
            [
                (
                    "2",
                    "Neglect",
                    [
                        act("Roll out the neglect toolkit", "Neglect lead", "2015-03-31", RED),
                        act("Train 200 staff", "Training sub-group", None, BLUE, COMPLETE),
                    ],
                )
            ],
        ),
    ]
    first, _second, _third, fourth = actions(draft)
    # Each action keeps its own measure: it is not lifted to the objective.
    assert [m["description"] for m in first["measures"]] == ["Strategy published"]
    assert draft["areas"][0]["objectives"][0]["measures"] == []
    assert (fourth["timescale_text"], fourth["recurrence"]) == ("Ongoing", ONGOING)
    # The metadata and objective rows are accounted for, not read as actions.
    reasons = {entry["where"]: entry["reason"] for entry in draft["skipped"]}
    assert reasons["Table 1, row 2"] == "Read as the strategic lead of Priority Area 1."
    assert reasons["Table 1, row 3"] == "Read as the objectives of the priority area."


def test_safeguarding_adults_board_strategic_plan_2016_written_as_headings_and_lists():
    # Shape of a Safeguarding Adults Board strategic plan, 2016–19: no table at all. Each
    # priority is a heading; each action a bulleted or numbered list item, with "Lead:" and
    # "By:" written inside the text.
    doc = document()
    doc.add_heading("Strategic Plan 2016–2019", level=1)
    doc.add_paragraph("The board has agreed three priorities for the next three years.")
    doc.add_heading("Priority 1: Prevention", level=2)
    doc.add_paragraph("Objective: Fewer adults come to harm through self-neglect")
    doc.add_paragraph("Board sponsor: Director of Adult Services")
    doc.add_paragraph(
        "Raise awareness of self-neglect. Lead: Communications sub-group. By: March 2017", style="List Bullet"
    )
    doc.add_paragraph(
        "Publish a hoarding protocol (Lead: Housing partner, By: Summer 2017)", style="List Bullet"
    )
    doc.add_heading("Priority 2: Making Safeguarding Personal", level=2)
    # Word's own automatic numbering (numbering.xml, decimal "%1."): the numbers are not in the text.
    item = doc.add_paragraph("Ask every adult what outcome they want. Lead: Adult Social Care. By: Ongoing")
    numbered(item, num_id=9)
    item = doc.add_paragraph(
        "Audit case files for the person's voice. Lead: QA sub-group. By: Q2 2017/18. Measure: 90% of files record outcomes"
    )
    numbered(item, num_id=9)
    draft = import_draft("strategy.docx", save(doc), financial_year(2016, 3))

    assert errors(draft) == []
    assert summary(draft) == [
        (
            1,
            "Prevention",
            "Director of Adult Services",
            [
                (
                    "1.1",
                    "Fewer adults come to harm through self-neglect",
                    [
                        act("Raise awareness of self-neglect.", "Communications sub-group", "2017-03-31"),
                        act("Publish a hoarding protocol", "Housing partner", "2017-08-31"),
                    ],
                )
            ],
        ),
        (
            2,
            "Making Safeguarding Personal",
            "",
            [
                (
                    "2",
                    "Making Safeguarding Personal",
                    [
                        act("Ask every adult what outcome they want.", "Adult Social Care", None, number="1"),
                        act(
                            "Audit case files for the person's voice.",
                            "QA sub-group",
                            "2017-09-30",
                            number="2",
                        ),
                    ],
                )
            ],
        ),
    ]
    ask, audit = actions(draft)[2:]
    assert ask["recurrence"] == ONGOING
    assert [m["description"] for m in audit["measures"]] == ["90% of files record outcomes"]


def test_lscb_business_plan_2012_with_sub_priorities_ratings_and_own_references():
    # Shape of an LSCB business plan, 2012/13: "PRIORITY 1 …" then sub-priorities "PRIORITY 1a",
    # "PRIORITY 1b" as headings above tables; the plan's own reference column; "R/A/G" with "A/G"
    # and "Complete".
    doc = document()
    doc.add_paragraph("PRIORITY 1: Children are protected from harm")
    doc.add_paragraph("PRIORITY 1a – Child sexual exploitation")
    header = ["Ref", "Specific actions", "Responsible lead/group", "Timescale/Target", "R/A/G"]
    word_table(
        doc,
        header,
        [
            ["1a.1", "Map children at risk of exploitation", "CSE sub-group", "31/03/2013", "A/G"],
            [
                "1a.2",
                "Run awareness sessions in schools",
                "Education lead",
                "By 30th September 2012",
                "Complete",
            ],
        ],
    )
    doc.add_paragraph("PRIORITY 1b – Missing children")
    word_table(
        doc,
        header,
        [["1b.1", "Agree a return interview protocol", "Missing lead", "Dec 2012", "R"]],
    )
    draft = import_draft("lscb.docx", save(doc), financial_year(2012))

    assert errors(draft) == []
    assert summary(draft) == [
        (
            1,
            "Children are protected from harm",
            "",
            [
                (
                    "1a",
                    "Child sexual exploitation",
                    [
                        act(
                            "Map children at risk of exploitation",
                            "CSE sub-group",
                            "2013-03-31",
                            AMBER,
                            number="1a.1",
                        ),
                        act(
                            "Run awareness sessions in schools",
                            "Education lead",
                            "2012-09-30",
                            BLUE,
                            COMPLETE,
                            "1a.2",
                        ),
                    ],
                ),
                (
                    "1b",
                    "Missing children",
                    [
                        act(
                            "Agree a return interview protocol",
                            "Missing lead",
                            "2012-12-31",
                            RED,
                            number="1b.1",
                        )
                    ],
                ),
            ],
        )
    ]
    # "A/G" is read as the worse rating; the words are kept as a note.
    assert [note["text"] for note in actions(draft)[0]["progress"]] == ["RAG as written in the file: A/G"]


def test_improvement_plan_2015_after_ofsted_with_rag_by_shading_only():
    # Shape of an improvement board's plan after an Ofsted inspection, 2015/16: a "Theme One –"
    # heading merged across the first row; the Ofsted paragraph as evidence; a status column
    # whose cells are shaded red, amber or green with no words in them.
    doc = document()
    header = ["Ofsted paragraph", "What will it do?", "Owner", "Deadline", "Evidence of impact", "Status"]
    table = word_table(
        doc,
        header,
        [
            "Theme One – Management oversight of practice",
            [
                "Para 23",
                "Introduce monthly supervision audits",
                "Head of Service",
                "Sept 2015",
                "Audit shows improvement",
                "",
            ],
            [
                "Para 41",
                "Publish a practice standards guide",
                "Principal Social Worker",
                "Nov 2015",
                "Guide used in audits",
                "",
            ],
            ["Para 57", "Review caseloads weekly", "Team managers", "Weekly", "Caseloads under 20", ""],
        ],
        fills={(2, 5): "FF0000", (3, 5): "FFC000", (4, 5): "00B050"},
    )
    assert table is not None
    draft = import_draft("improvement.docx", save(doc), financial_year(2015))

    assert errors(draft) == []
    assert summary(draft) == [
        (
            1,
            "Management oversight of practice",
            "",
            [
                (
                    "1",
                    "Management oversight of practice",
                    [
                        act("Introduce monthly supervision audits", "Head of Service", "2015-09-30", RED),
                        act(
                            "Publish a practice standards guide",
                            "Principal Social Worker",
                            "2015-11-30",
                            AMBER,
                        ),
                        act("Review caseloads weekly", "Team managers", None, GREEN),
                    ],
                )
            ],
        )
    ]
    objective = draft["areas"][0]["objectives"][0]
    assert objective["evidence"] == ["Para 23", "Para 41", "Para 57"]
    assert actions(draft)[2]["recurrence"] == RECURRING


def test_safeguarding_adults_board_plan_2019_with_ambitions_and_several_outcome_columns():
    # Shape of a Safeguarding Adults Board annual plan, 2019/20: "Ambition N –" paragraphs above
    # tables; "How will we do this?", "Accountable", "Target date", two outcome columns and a
    # progress update; a timescale over several lines; a season; monitoring text over lines.
    doc = document()
    doc.add_paragraph("Ambition 1 – People feel safe where they live")
    header = [
        "How will we do this?",
        "Accountable",
        "Target date",
        "Desired outcome",
        "Success measure",
        "Progress update",
    ]
    word_table(
        doc,
        header,
        [
            [
                "Run a survey of people who used safeguarding services",
                "SAB Manager",
                "Spring 2020",
                "People's views shape services",
                "Survey returned by 100 people\nResults reported to the board\nActions agreed",
                "Survey designed",
            ],
            [
                "Review the self-neglect policy",
                "Policy sub-group",
                "Draft by Dec 2019\nSign-off March 2020",
                "",
                "",
                "",
            ],
        ],
    )
    draft = import_draft(
        "sab.docx", save(doc), financial_year(2019), as_of=__import__("datetime").date(2019, 9, 30)
    )

    assert errors(draft) == []
    assert summary(draft) == [
        (
            1,
            "People feel safe where they live",
            "",
            [
                (
                    "1",
                    "People feel safe where they live",
                    [
                        act(
                            "Run a survey of people who used safeguarding services",
                            "SAB Manager",
                            "2020-05-31",
                        ),
                        act("Review the self-neglect policy", "Policy sub-group", "2020-03-31"),
                    ],
                )
            ],
        )
    ]
    survey, review = actions(draft)
    # Two outcome columns, two measures; the monitoring text is one measure, its lines kept.
    assert [m["description"] for m in survey["measures"]] == [
        "People's views shape services",
        "Survey returned by 100 people\nResults reported to the board\nActions agreed",
    ]
    assert [(note["date"], note["text"]) for note in survey["progress"]] == [
        ("2019-09-30", "Survey designed")
    ]
    assert review["timescale_text"] == "Draft by Dec 2019\nSign-off March 2020"


def test_lscb_plan_2011_with_priority_one_in_the_tables_first_row_and_dates_as_written():
    # Shape of an LSCB business plan, 2011–13: "Priority One" merged across each table's first
    # row; "Lead Officer", "Outcome", "Comments"; timescales as boards wrote them then.
    doc = document()
    header = ["Action", "Lead Officer", "Timescale", "Outcome", "Comments"]
    table = doc.add_table(rows=4, cols=5)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "Priority One: Learning from case reviews"
    for cell, text in zip(table.rows[1].cells, header, strict=True):
        cell.text = text
    for row, values in enumerate(
        [
            [
                "Hold learning events",
                "Board Manager",
                "June/July 2012",
                "200 staff attend",
                "Two events held",
            ],
            ["Put lessons on the website", "Comms lead", "September 2014 (website permitting)", "", ""],
        ],
        start=2,
    ):
        for column, text in enumerate(values):
            table.cell(row, column).text = text
    doc.add_paragraph("")
    table = doc.add_table(rows=3, cols=5)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "Priority Two: Early help"
    for cell, text in zip(table.rows[1].cells, header, strict=True):
        cell.text = text
    for column, text in enumerate(
        ["Agree the threshold document", "Chair", "By 30th September 2012", "", ""]
    ):
        table.cell(2, column).text = text
    draft = import_draft(
        "lscb2011.docx", save(doc), financial_year(2011, 2), as_of=__import__("datetime").date(2012, 3, 31)
    )

    assert errors(draft) == []
    assert summary(draft) == [
        (
            1,
            "Learning from case reviews",
            "",
            [
                (
                    "1",
                    "Learning from case reviews",
                    [
                        act("Hold learning events", "Board Manager", "2012-07-31"),
                        act("Put lessons on the website", "Comms lead", "2014-09-30"),
                    ],
                )
            ],
        ),
        (
            2,
            "Early help",
            "",
            [("2", "Early help", [act("Agree the threshold document", "Chair", "2012-09-30")])],
        ),
    ]
    events = actions(draft)[0]
    assert [(note["date"], note["text"]) for note in events["progress"]] == [
        ("2012-03-31", "Two events held")
    ]
    assert actions(draft)[1]["timescale_text"] == "September 2014 (website permitting)"


def test_partnership_plan_2022_with_theme_headings_objective_paragraph_and_numbered_actions():
    # Shape of a Safeguarding Children Partnership plan, 2022/23: a "Theme One" paragraph, an
    # "Objective:" paragraph above the table, the plan's own numbers 1.–12. in a "No." column,
    # "Key actions", "Owner", "Deadline", "RAG status" with words.
    doc = document()
    doc.add_paragraph("Theme One – The voice of the child")
    doc.add_paragraph("Objective: Children's wishes are recorded and acted on")
    header = ["No.", "Key actions", "Owner", "Deadline", "RAG status"]
    rows = [
        [f"{n}.", f"Action number {n} for the voice of the child", "Partnership Manager", "Mar-23", "Green"]
        for n in range(1, 13)
    ]
    word_table(doc, header, rows)
    draft = import_draft("partnership.docx", save(doc), financial_year(2022))

    assert errors(draft) == []
    (area,) = draft["areas"]
    assert (area["number"], area["title"]) == (1, "The voice of the child")
    (objective,) = area["objectives"]
    assert (objective["number"], objective["description"]) == (
        "1.1",
        "Children's wishes are recorded and acted on",
    )
    assert [(a["number"], a["due"], a["rag"]) for a in objective["actions"]] == [
        (f"{n}.", "2023-03-31", GREEN) for n in range(1, 13)
    ]
