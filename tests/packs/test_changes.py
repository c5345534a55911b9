import datetime

import time_machine

from packs.changes import compute_changes
from packs.periods import next_quarter, quarter_containing, recent_quarters


def snapshot(actions, values=()):
    return {
        "plan": {"plans": [{"areas": [{"objectives": [{"actions": actions}]}]}]},
        "indicators": [{"id": 1, "code": "NI64", "unit": "%", "values": list(values)}],
    }


def action(id, rag="green", status="in_progress", overdue=False):
    labels = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (complete)", "": "Not rated"}
    return {
        "id": id,
        "ref": f"1.1.{id}",
        "description": f"Action {id}",
        "lead": "Chair",
        "rag": rag,
        "rag_label": labels[rag],
        "status": status,
        "overdue": overdue,
        "completed_on": None,
        "due_date": "2026-09-30",
    }


def value(label, start, figure):
    return {"label": label, "start": start, "end": start, "value": figure, "target": None}


def test_rag_moves_new_completions_and_new_overdue():
    before = snapshot([action(1), action(2, "amber"), action(3, overdue=True), action(4)])
    after = snapshot(
        [
            action(1, "amber"),
            action(2, "blue", "complete"),
            action(3, "red", overdue=True),
            action(4, overdue=True),
            action(5, "blue", "complete"),
        ]
    )
    changes = compute_changes(before, after)
    assert [(m["id"], m["from"], m["to"]) for m in changes["rag_moves"]] == [
        (1, "Green", "Amber"),
        (2, "Amber", "Blue (complete)"),
        (3, "Green", "Red"),
    ]
    assert [a["id"] for a in changes["newly_completed"]] == [2, 5]  # a new action already complete counts
    assert [a["id"] for a in changes["newly_overdue"]] == [4]  # 3 was overdue already


def test_indicator_values_new_and_revised_with_the_figure_before():
    before = snapshot([], [value("Q1", "2026-04-01", "9")])
    after = snapshot([], [value("Q1", "2026-04-01", "8.5"), value("Q2", "2026-07-01", "7")])
    assert [
        (v["label"], v["kind"], v["value"], v["before"])
        for v in compute_changes(before, after)["indicator_values"]
    ] == [("Q1", "revised", "8.5", "9"), ("Q2", "new", "7", "8.5")]


def test_nothing_changed_means_empty_lists():
    same = snapshot([action(1)], [value("Q1", "2026-04-01", "9")])
    assert compute_changes(same, same) == {
        "rag_moves": [],
        "newly_completed": [],
        "newly_overdue": [],
        "indicator_values": [],
    }


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC))
def test_quarters_follow_the_financial_year():
    from django.utils import timezone

    quarters = recent_quarters(timezone.localdate())
    assert quarters[0].label == "Quarter 3 2026/27 (October to December 2026)"
    assert quarters[1].start == datetime.date(2026, 7, 1) and quarters[1].end == datetime.date(2026, 9, 30)
    q4 = quarter_containing(datetime.date(2027, 2, 14))
    assert q4.label.startswith("Quarter 4 2026/27") and q4.end == datetime.date(2027, 3, 31)
    assert next_quarter(q4).label.startswith("Quarter 1 2027/28")
