"""Packs read the due-date ledger: the exception report's original due date is the first
due date ("–" when it is the current one) and "Slipped deadlines" lists the standing moves."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from packs.generation import request_pack
from plans import due_dates
from plans.editing import revert_change
from plans.models import Action
from tests.packs.conftest import TODAY
from tests.packs.factories import make_pack_plan

pytestmark = pytest.mark.django_db

DEC_2026, MAR_2027 = datetime.date(2026, 12, 31), datetime.date(2027, 3, 31)
AUG_2026, SEP_2026 = datetime.date(2026, 8, 31), datetime.date(2026, 9, 30)


def _at(day: int, month: int):
    return time_machine.travel(datetime.datetime(2026, month, day, 12, tzinfo=datetime.UTC), tick=False)


def test_pack_original_due_dates_and_slips_read_the_ledger(client, people, q2, fake_renderer):
    with _at(1, 6):
        plan = make_pack_plan(people.board)
    with _at(10, 8):
        request = due_dates.request_change(
            plan.red.pk,
            people.chair,
            MAR_2027,
            "Auditors delayed",
            may_request=lambda a: True,
            applies_at_once=lambda a: False,
        )
    with _at(12, 8):
        due_dates.decide_request(request.pk, people.manager, approve=True, may_decide=lambda a: True)
    with _at(20, 8):
        overdue = Action.objects.select_for_update().get(pk=plan.overdue.pk)
        due_dates.change_due_date(overdue, SEP_2026, user=people.manager, reason="Typed the wrong month")
    with _at(21, 8):
        latest = plan.overdue.history.order_by("-history_id").first()
        revert_change(Action, plan.overdue.pk, latest.history_id, people.manager, lambda a: True)

    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    actions = {
        a["id"]: a
        for p in pack.snapshot["plan"]["plans"]
        for ar in p["areas"]
        for o in ar["objectives"]
        for a in o["actions"]
    }
    assert (actions[plan.red.pk]["original_due_date"], actions[plan.red.pk]["due_date"]) == (
        "2026-12-31",
        "2027-03-31",
    )
    # Moved and reverted: its first due date is its current one.
    assert (
        actions[plan.overdue.pk]["original_due_date"] == actions[plan.overdue.pk]["due_date"] == "2026-08-31"
    )
    # The approved slip stands; the mistaken change and its revert cancel out.
    assert [(s["action_id"], s["from"], s["to"]) for s in pack.snapshot["plan"]["slipped"]] == [
        (plan.red.pk, "2026-12-31", "2027-03-31")
    ]

    client.force_login(people.member)
    page = client.get(reverse("packs:preview", args=[pack.pk])).text
    exceptions = page.split('id="exceptions"')[1].split("</section>")[0]
    red_row = exceptions.split(plan.red.description)[1].split("</tr>")[0]
    overdue_row = exceptions.split(plan.overdue.description)[1].split("</tr>")[0]
    # A month timescale (the default): the months, no day the plan did not give.
    assert "Dec 2026" in red_row and "Mar 2027" in red_row and "31 " not in red_row
    assert "–" in overdue_row and "Same as the due date" in overdue_row


def _section(page: str, key: str) -> str:
    return page.split(f'id="{key}"')[1].split("</section>")[0]


def test_a_month_timescale_is_printed_without_a_day_the_plan_never_gave(client, people, q2, fake_renderer):
    from packs.sections import build_sections
    from plans.models import DuePrecision

    with _at(1, 6):
        plan = make_pack_plan(people.board)
    Action.objects.filter(pk=plan.red.pk).update(due_precision=DuePrecision.MONTH)  # "December 2026"
    Action.objects.filter(pk=plan.overdue.pk).update(due_precision=DuePrecision.DAY)  # "31 August 2026"

    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    client.force_login(people.member)
    page = client.get(reverse("packs:preview", args=[pack.pk])).text
    for key in ("exceptions", "due-next-quarter"):
        row = _section(page, key).split(plan.red.description)[1].split("</tr>")[0]
        assert "Dec 2026" in row and "31 Dec 2026" not in row, key
    # A day timescale keeps its day.
    overdue_row = _section(page, "exceptions").split(plan.overdue.description)[1].split("</tr>")[0]
    assert "31 Aug 2026" in overdue_row

    # A pack issued before the precision was kept prints its days, as it was printed then.
    for p in pack.snapshot["plan"]["plans"]:
        for area in p["areas"]:
            for objective in area["objectives"]:
                for action in objective["actions"]:
                    del action["due_precision"]
    exceptions = next(s for s in build_sections(people.board, q2, pack.snapshot) if s.key == "exceptions")
    red = next(a for a in exceptions.context["actions"] if a["id"] == plan.red.pk)
    assert red["due_label"] == "31 Dec 2026"
