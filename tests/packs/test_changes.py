import datetime
from unittest import mock

import pytest
import time_machine

from packs.changes import compute_changes
from packs.periods import board_meeting_periods, next_quarter, quarter_containing, recent_quarters
from packs.rendering import render_print_html
from packs.sections import build_sections
from plans.models import Rag
from tests.packs.conftest import TODAY
from tests.packs.factories import make_board_business, make_pack_plan


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


# "What changed since the last pack" compares with the board's previous issued pack,
# of either kind, by the position each pack shows: issue 13, point 8.


def _made(board, period, user, day):
    from packs.generation import request_pack
    from packs.models import PackStatus

    pack, created = request_pack(board, period, user, today=day)
    assert created and pack.status == PackStatus.DONE, pack.error
    return pack


@pytest.mark.django_db
def test_a_meeting_pack_compares_with_the_quarter_pack_issued_before_it_though_the_quarter_ends_later(
    people, fake_renderer
):
    plan = make_pack_plan(people.board)
    business = make_board_business(people.board, plan)
    q2 = quarter_containing(datetime.date(2026, 8, 1))
    q3 = next_quarter(q2)
    _made(people.board, q2, people.member, datetime.date(2026, 10, 5))
    quarter_pack = _made(people.board, q3, people.member, datetime.date(2026, 11, 1))
    plan.green.rag = Rag.RED
    plan.green.save()
    meeting = next(
        p
        for p in board_meeting_periods(people.board, datetime.date(2026, 11, 2))
        if p.meeting_id == business.meeting.pk
    )
    assert meeting.end < q3.end  # the meeting (3 November) falls inside the quarter's pack's period
    meeting_pack = _made(people.board, meeting, people.member, datetime.date(2026, 11, 2))
    assert meeting_pack.snapshot["previous_pack"]["id"] == quarter_pack.pk
    assert [(m["id"], m["from"], m["to"]) for m in meeting_pack.snapshot["changes"]["rag_moves"]] == [
        (plan.green.pk, "Green", "Red")
    ]
    # What the board reads, on the cover and in the section.
    html = render_print_html(
        meeting_pack.period,
        meeting_pack.snapshot,
        build_sections(meeting_pack.board, meeting_pack.period, meeting_pack.snapshot),
    )
    said = " ".join(html.split())
    assert f"Compared with the pack for {q3.label} (position as at 1 November 2026)" in said
    assert f"{q3.label}, position as at 1 November 2026" in said  # the cover's "Previous pack"


@pytest.mark.django_db
def test_a_quarter_pack_compares_with_a_meeting_pack_issued_before_it(people, fake_renderer):
    plan = make_pack_plan(people.board)
    business = make_board_business(people.board, plan)
    q2 = quarter_containing(datetime.date(2026, 8, 1))
    _made(people.board, q2, people.member, datetime.date(2026, 10, 1))
    meeting = next(
        p for p in board_meeting_periods(people.board, TODAY) if p.meeting_id == business.meeting.pk
    )
    meeting_pack = _made(people.board, meeting, people.member, datetime.date(2026, 10, 25))
    plan.red.rag = Rag.AMBER
    plan.red.save()
    quarter_pack = _made(people.board, next_quarter(q2), people.member, datetime.date(2026, 11, 20))
    assert quarter_pack.snapshot["previous_pack"] == {
        "id": meeting_pack.pk,
        "title": meeting_pack.title,
        "period_label": "Board meeting 3 November 2026",
        "as_of": "2026-10-25",
    }
    assert [m["id"] for m in quarter_pack.snapshot["changes"]["rag_moves"]] == [plan.red.pk]


@pytest.mark.django_db
def test_only_issued_packs_of_the_board_count_and_never_one_for_the_same_period(people, fake_renderer):
    from packs.generation import request_pack
    from packs.models import BoardPack, PackStatus

    make_pack_plan(people.board)
    make_pack_plan(people.other_board, prefix="OTHER ")
    q1 = quarter_containing(datetime.date(2026, 5, 1))
    q2 = next_quarter(q1)
    q3 = next_quarter(q2)
    issued = _made(people.board, q1, people.member, datetime.date(2026, 7, 10))
    _made(people.other_board, q2, people.outsider, datetime.date(2026, 9, 1))  # another board's
    failed = _made(people.board, q2, people.member, datetime.date(2026, 10, 2))
    BoardPack.objects.filter(pk=failed.pk).update(status=PackStatus.FAILED)
    with mock.patch("packs.generation.dispatch"):  # asked for, never made
        queued, _ = request_pack(people.board, q2, people.member, today=datetime.date(2026, 10, 3))
    assert queued.status == PackStatus.QUEUED
    earlier_q3 = _made(people.board, q3, people.member, datetime.date(2026, 10, 4))
    assert earlier_q3.snapshot["previous_pack"]["id"] == issued.pk

    # Asked for again on a later day with nothing changed: the same pack, not one that
    # compares itself with its own first issue.
    again, created = request_pack(people.board, q3, people.member, today=datetime.date(2026, 10, 30))
    assert not created and again.pk == earlier_q3.pk
