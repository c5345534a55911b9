import datetime
import json
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command

from boards.models import Board, Membership, Partnership, SubCommittee
from plans.demo import SEED_PLAN, demo_password, shift_date, year_shift
from plans.models import Action, BusinessPlan, Measure, Objective, PriorityArea, ProgressUpdate, Status

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
    # Every note and measure in the data file is loaded.
    data = json.loads(SEED_PLAN.read_text())
    objectives = [o for area in data["priority_areas"] for o in area["objectives"]]
    assert Measure.objects.count() == sum(len(o["measures"]) for o in objectives)
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
