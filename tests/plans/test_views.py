import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import Role
from plans.models import Action, BusinessPlan, Objective, PriorityArea
from tests.factories import (
    ActionFactory,
    BusinessPlanFactory,
    MembershipFactory,
    ObjectiveFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEVEN_COLUMNS = [
    "What do we want to achieve?",
    "How was the issue identified?",
    "Agreed action",
    "Lead person",
    "Timescale",
    "Progress",
    "Measure",
]


@pytest.fixture
def action(people):
    plan = BusinessPlanFactory(board=people.board)
    objective = ObjectiveFactory(priority_area__plan=plan, number="1.1")
    action = ActionFactory(
        objective=objective, description="Establish Professional Child Protection User Group"
    )
    ProgressUpdateFactory(action=action, text="User group to be established following 2 OBA events.")
    return action


@pytest.mark.parametrize("role", ["manager", "chair", "member", "executive"])
def test_board_members_see_the_plan_in_seven_columns(client, people, action, role):
    client.force_login(getattr(people, role))
    response = client.get(action.objective.priority_area.plan.get_absolute_url())
    assert response.status_code == 200
    for heading in SEVEN_COLUMNS:
        assert heading in response.text
    assert "Establish Professional Child Protection User Group" in response.text
    assert "User group to be established" in response.text


@pytest.mark.parametrize("role", ["manager", "chair", "member", "executive"])
def test_board_members_see_the_action_and_its_progress_log(client, people, action, role):
    client.force_login(getattr(people, role))
    response = client.get(action.get_absolute_url())
    assert response.status_code == 200
    assert "Progress log" in response.text
    assert "User group to be established" in response.text


def test_outsiders_get_404_for_plans_and_actions(client, people, action):
    client.force_login(people.outsider)
    assert client.get(action.objective.priority_area.plan.get_absolute_url()).status_code == 404
    assert client.get(action.get_absolute_url()).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, action):
    response = client.get(action.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _plan_with_actions(board, n_actions: int) -> BusinessPlan:
    """A plan of 10 priority areas × 10 objectives with n_actions spread across them."""
    plan = BusinessPlanFactory(board=board)
    areas = PriorityArea.objects.bulk_create(
        PriorityArea(plan=plan, number=i + 1, title=f"Area {i + 1}") for i in range(10)
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            priority_area=area, number=f"{area.number}.{j + 1}", position=j + 1, description="Objective"
        )
        for area in areas
        for j in range(10)
    )
    Action.objects.bulk_create(
        Action(
            objective=objectives[i % len(objectives)],
            position=i // len(objectives) + 1,
            description=f"Action {i}",
            lead_role="Chair",
            due_date=datetime.date(2027, 1, 31),
        )
        for i in range(n_actions)
    )
    for objective in objectives[:5]:
        ProgressUpdateFactory(action=objective.actions.first())
    return plan


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_plan_page_query_count_does_not_grow_with_the_plan(client, django_assert_max_num_queries):
    """Prefetching areas → objectives → evidence, measures and actions (with the latest
    progress as a subquery) prevents an N+1 per objective or per action."""
    call_command("load_demo")
    manager = UserFactory(username="manager")
    demo_plan = BusinessPlan.objects.get()
    big_plan = _plan_with_actions(demo_plan.board, 1000)
    assert Action.objects.filter(objective__priority_area__plan=big_plan).count() == 1000
    client.force_login(manager)
    client.get(reverse("boards:home"))  # the session's idle expiry pushed back: not measured
    demo_queries = _queries_for(client, demo_plan.get_absolute_url())
    big_queries = _queries_for(client, big_plan.get_absolute_url())
    assert demo_queries == big_queries
    with django_assert_max_num_queries(12):
        client.get(big_plan.get_absolute_url())


def test_action_page_query_count_is_fixed(client, people, action, django_assert_max_num_queries):
    for _ in range(20):
        ProgressUpdateFactory(action=action, author=people.chair)
    client.force_login(people.member)
    # 11: the action's own evidence and measures (plans.rows.for_action) are one query each.
    with django_assert_max_num_queries(11):
        response = client.get(action.get_absolute_url())
    assert response.status_code == 200


def test_month_timescale_shown_on_the_plan(client, people, action):
    action.due_date = datetime.date(2011, 12, 31)
    action.save()
    client.force_login(people.member)
    assert "December 2011" in client.get(action.objective.priority_area.plan.get_absolute_url()).text


def test_a_user_with_roles_on_two_boards_sees_both(client, people):
    user = UserFactory()
    MembershipFactory(user=user, board=people.board, role=Role.CHAIR)
    MembershipFactory(user=user, board=people.other_board, role=Role.MEMBER)
    client.force_login(user)
    response = client.get(reverse("boards:home"))
    assert people.board.name in response.text
    assert people.other_board.name in response.text


def test_action_links_on_the_plan_page_match_the_url_pattern(client, people, action):
    """The plan table builds action links from a prefix (cheaper than reversing per row)."""
    client.force_login(people.member)
    assert (
        f'href="{action.get_absolute_url()}"'
        in client.get(action.objective.priority_area.plan.get_absolute_url()).text
    )


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
@pytest.mark.parametrize("distinct_on", [True, False], ids=["postgresql", "without DISTINCT ON (sqlite)"])
def test_each_row_shows_its_latest_note_and_first_agreed_due_date(client, people, distinct_on, monkeypatch):
    """The table reads every action's latest note and first agreed due date in one pass
    each over the plan (plans.plan_table._action_rows): DISTINCT ON on PostgreSQL, the first
    row per action picked in Python elsewhere (make run's SQLite). Both pick the same."""
    from plans import page_cache
    from plans.models import DueDateChange
    from tests.plans.factories import DueDateChangeFactory

    monkeypatch.setattr(connection.features, "can_distinct_on_fields", distinct_on)
    plan = BusinessPlanFactory(board=people.board)
    objective = ObjectiveFactory(priority_area__plan=plan)
    moved = ActionFactory(objective=objective, position=1, due_date=datetime.date(2027, 6, 30))
    quiet = ActionFactory(objective=objective, position=2, due_date=datetime.date(2027, 3, 31))
    ProgressUpdateFactory(action=moved, date=datetime.date(2026, 5, 1), text="Older note on the moved action")
    ProgressUpdateFactory(
        action=moved, date=datetime.date(2026, 10, 1), text="Newest note on the moved action"
    )
    ProgressUpdateFactory(action=moved, date=None, text="Undated note on the moved action")
    ProgressUpdateFactory(action=quiet, date=datetime.date(2026, 9, 30), text="Only note on the quiet action")
    for old, new in (
        (datetime.date(2027, 1, 31), datetime.date(2027, 3, 31)),
        (None, datetime.date(2027, 6, 30)),
    ):
        DueDateChangeFactory(
            action=moved, kind=DueDateChange.Kind.CHANGED, old_due_date=old, new_due_date=new
        )
    page_cache.clear()
    client.force_login(people.member)
    page = client.get(plan.get_absolute_url()).text
    assert "Newest note on the moved action" in page and "Only note on the quiet action" in page
    assert "Older note" not in page and "Undated note" not in page
    assert "Originally January 2027, now June 2027" in page  # the first change's old date (months)
    assert "Originally" not in page.split("Only note on the quiet action")[0].rsplit("<tr", 1)[1]
