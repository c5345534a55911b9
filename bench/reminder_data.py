"""The reminder sweep bench's data set, built with set-based SQL.

Four boards, 200 leads, 20 chairs, two managers a board and one independent chair are
made with the ORM (a few hundred rows); the actions, their progress notes, their history
rows and the due-date ledger are each one ``INSERT … SELECT … FROM generate_series`` (or
from the actions just made), so a million actions take about a minute, not twenty (the
ORM's ``bulk_create`` built and sent every object from Python).

What the sweep reads, and how it is spread:

- actions: due dates every day from 200 days ago to 200 days ahead (``i * 7919 % 401``),
  a tenth complete (blue), the rest in progress (green); four in five name a responsible
  lead (50 a board), every one has a lead sub-committee (5 a board, each with a chair);
- progress notes on every other action, 30 to 149 days old (the digest's "no progress");
- one "+" history row each, as every action made in the app has: at the plan's start,
  or for one in 50 on 1 October 2026 (within the digest's 90 quiet days: "too new to
  have progressed");
- 100 actions whose due date a manager moved 30 days later on 20 November: two "~"
  history rows and a ``DueDateChange`` ledger entry each (the digest's "slipped" reads
  the ledger, as board packs do);
- no reminders sent yet: the bench's first daily sweep is the first ever, and the later
  sweeps read the reminders it recorded.

Columns not named here get the model field's default, so a field added later with a
default does not break the build.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from boards.models import Board, Membership, Partnership, Role, SubCommittee
from plans.models import (
    Action,
    BusinessPlan,
    DueDateChange,
    DueDateChangeKind,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Rag,
    Status,
)

TODAY = datetime.date(2026, 11, 23)
BOARDS, LEADS, CHAIRS, MANAGERS_PER_BOARD = 4, 200, 20, 2
AREAS_PER_PLAN, OBJECTIVES_PER_AREA = 10, 10
SLIPPED = 100
PLAN_START = datetime.date(2026, 4, 1)
CREATED_AT = datetime.datetime(2026, 4, 1, 9, tzinfo=datetime.UTC)
CREATED_RECENTLY_AT = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)
SLIPPED_AT = datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC)
SLIP_DAYS = 30

# What the sweep writes, and the bench's own rows: emptied before a build.
TABLES = [
    "notifications_notification",
    "notifications_sentreminder",
    "notifications_sentclockreminder",
    "notifications_notificationpreference",
    "plans_duedatechange",
    "plans_historicalprogressupdate",
    "plans_progressupdate",
    "plans_historicalaction",
    "plans_action",
    "plans_objective",
    "plans_priorityarea",
    "plans_businessplan",
    "boards_membership",
    "boards_subcommittee",
    "boards_board",
    "boards_partnership",
]


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM auth_user WHERE username LIKE 'bench-%%'")


def _insert_select(
    model: type[models.Model],
    given: dict[str, str],
    source: str,
    params: list[Any],
    source_params: tuple[Any, ...] = (),
) -> int:
    """``INSERT INTO model (…) SELECT … FROM source``: the ``given`` columns as SQL
    expressions (over ``source``), every other concrete column but the primary key its
    field's default (``now()`` for auto_now fields, "" for blank text). ``params`` fill the
    ``given`` expressions' placeholders, ``source_params`` the source's. Returns the rows inserted."""
    columns, expressions, default_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expressions.append("now()")
        elif field.null and not field.has_default():
            expressions.append("NULL")
        elif (default := field.get_default()) is not None:  # a blank text field's is ""
            expressions.append("%s")
            default_params.append(field.get_db_prep_save(default, connection))
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
        columns.append(field.column)
    names = list(given) + columns
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(connection.ops.quote_name(c) for c in names)}) "
        f"SELECT {', '.join(list(given.values()) + expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        # Parameters in the order they appear: the given expressions', the defaults, the source's.
        cursor.execute(sql, [*params, *default_params, *source_params])
        return cursor.rowcount


def _history_of_actions(history_type: str, when: str, where: str, params: list[Any]) -> int:
    """One history row per action matched by ``where``: the row as it stands now."""
    historical = Action.history.model
    action_columns = {field.column for field in Action._meta.concrete_fields}
    given = {
        field.column: f"a.{connection.ops.quote_name(field.column)}"
        for field in historical._meta.concrete_fields
        if field.column in action_columns
    }
    given |= {"history_date": when, "history_type": f"'{history_type}'", "history_change_reason": "NULL"}
    return _insert_select(historical, given, f"plans_action a WHERE {where}", params)


def build(n_actions: int) -> dict[str, int]:
    """Build the data set (after ``reset()``). Returns the rows made, by table."""
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(username=f"bench-{i}", email=f"bench-{i}@example.org")
        for i in range(LEADS + CHAIRS + BOARDS * MANAGERS_PER_BOARD + 1)
    )
    leads, chairs = users[:LEADS], users[LEADS : LEADS + CHAIRS]
    managers, independent_chair = users[LEADS + CHAIRS : -1], users[-1]
    partnership = Partnership.objects.create(name="Bench", slug="bench")
    boards = Board.objects.bulk_create(
        Board(
            partnership=partnership,
            name=f"Bench board {b}",
            short_name=f"BB{b}",
            slug=f"bench-{b}",
            kind=Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
            independent_chair=independent_chair,
        )
        for b in range(BOARDS)
    )
    memberships = [
        Membership(user=u, board=boards[i % BOARDS], role=Role.MEMBER) for i, u in enumerate(leads)
    ]
    memberships += [
        Membership(user=u, board=boards[i % BOARDS], role=Role.CHAIR) for i, u in enumerate(chairs)
    ]
    memberships += [
        Membership(user=u, board=boards[i % BOARDS], role=Role.MANAGER) for i, u in enumerate(managers)
    ]
    memberships += [Membership(user=independent_chair, board=b, role=Role.EXECUTIVE) for b in boards]
    Membership.objects.bulk_create(memberships)
    committees = SubCommittee.objects.bulk_create(
        SubCommittee(board=boards[i % BOARDS], name=f"Sub-committee {i}", chair=c)
        for i, c in enumerate(chairs)
    )
    plans = BusinessPlan.objects.bulk_create(
        BusinessPlan(
            board=b,
            title="Bench plan",
            period_start=PLAN_START,
            period_end=datetime.date(2028, 3, 31),
            status=BusinessPlan.Status.APPROVED,
            approved_at=timezone.now(),
        )
        for b in boards
    )
    areas = PriorityArea.objects.bulk_create(
        PriorityArea(plan=p, number=i + 1, title=f"Priority {i + 1}")
        for p in plans
        for i in range(AREAS_PER_PLAN)
    )
    objectives = Objective.objects.bulk_create(
        Objective(priority_area=a, number=f"{a.number}.{j + 1}", position=j + 1, description="Objective")
        for a in areas
        for j in range(OBJECTIVES_PER_AREA)
    )
    per_board = len(objectives) // BOARDS  # objectives are board by board
    leads_per_board, committees_per_board = LEADS // BOARDS, CHAIRS // BOARDS

    # Action i is on board i % 4; leads[b::4] and committees[b::4] are board b's.
    board = f"mod(i, {BOARDS})"
    made = {}
    made["actions"] = _insert_select(
        Action,
        {
            "objective_id": f"(%s::bigint[])[{board} * {per_board} + mod(i / {BOARDS}, {per_board}) + 1]",
            "position": f"i / {len(objectives)} + 1",
            "description": "'Implement and embed a robust multi-agency approach, step ' || i",
            "lead_role": "'Chair of Quality Assurance Sub-committee'",
            "responsible_id": f"CASE WHEN mod(i, 5) <> 0 THEN (%s::integer[])"
            f"[{board} + {BOARDS} * mod(i, {leads_per_board}) + 1] END",
            "lead_sub_committee_id": f"(%s::bigint[])[{board} + {BOARDS} * mod(i, {committees_per_board}) + 1]",
            "due_date": "%s::date + (mod(i::bigint * 7919, 401) - 200)::integer",
            "status": "CASE WHEN mod(i, 10) = 0 THEN %s ELSE %s END",
            "rag": "CASE WHEN mod(i, 10) = 0 THEN %s ELSE %s END",
        },
        "generate_series(0, %s - 1) AS i ORDER BY i",
        [
            [o.pk for o in objectives],
            [u.pk for u in leads],
            [c.pk for c in committees],
            TODAY,
            Status.COMPLETE,
            Status.IN_PROGRESS,
            Rag.BLUE,
            Rag.GREEN,
        ],
        source_params=(n_actions,),
    )
    # Action i's id, whatever the identity had reached (i = id - first).
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM plans_action")
        first = cursor.fetchone()[0]
    number = f"(a.id - {int(first)})"
    made["progress notes"] = _insert_select(
        ProgressUpdate,
        {
            "action_id": "a.id",
            "date": "%s::date - (30 + mod(a.id, 120))::integer",
            "text": "'Reviewed at BPG.'",
        },
        f"plans_action a WHERE mod({number}, 2) = 0 ORDER BY a.id",
        [TODAY],
    )
    made["history rows"] = _history_of_actions(
        "+",
        f"CASE WHEN mod({number}, 50) = 7 THEN %s ELSE %s END",
        "TRUE ORDER BY a.id",
        [CREATED_RECENTLY_AT, CREATED_AT],
    )

    # The slipped actions: 1, 11, 21, … (the 100 of the first 1,000), each moved 30 days
    # later by a manager of its board on 20 November, as plans.due_dates records it.
    slipped = f"mod({number}, 10) = 1 AND {number} < {SLIPPED * 10}"
    with connection.cursor() as cursor:
        # Each save bumps the version (plans.models.Versioned): the first save, then the move.
        cursor.execute(f"UPDATE plans_action a SET version = version + 1 WHERE {slipped}")
    _history_of_actions("~", "%s", slipped, [SLIPPED_AT])  # as it was …
    manager_of_board = {m.board_id: m.user_id for m in Membership.objects.managers()}
    made["due-date changes"] = _insert_select(
        DueDateChange,
        {
            "action_id": "a.id",
            "kind": "%s",
            "old_due_date": "a.due_date",
            "new_due_date": f"a.due_date + {SLIP_DAYS}",
            "reason": "'Moved at the BPG: the partner agency needs another month'",
            "made_by_id": f"(%s::integer[])[mod({number}, {BOARDS}) + 1]",
            "made_at": "%s",
        },
        f"plans_action a WHERE {slipped} ORDER BY a.id",
        [DueDateChangeKind.CHANGED, [manager_of_board[b.pk] for b in boards], SLIPPED_AT],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE plans_action a SET due_date = due_date + {SLIP_DAYS}, version = version + 1 WHERE {slipped}"
        )
    _history_of_actions("~", "%s", slipped, [SLIPPED_AT])  # … and the slip
    return made
