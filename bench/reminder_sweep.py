"""Reminder sweep: queries, seconds and e-mails for one daily sweep (overdue, due soon,
escalation) and one weekly digest, over 10,000, 100,000 and 1,000,000 actions (national scale).

The number of people is the same at both sizes (four boards, 200 leads, 20 chairs), so
the number of e-mails is too: what must not grow with the number of actions is the
number of queries. Tasks run in this process (the per-recipient code the worker runs)
with Django's locmem e-mail backend, so no SMTP server is needed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeguarding_bench_reminders \\
        .venv/bin/python bench/reminder_sweep.py
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_reminders")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ["EMAIL_URL"] = "memorymail://"  # django-environ: the locmem backend
os.environ.setdefault("LOG_LEVEL", "WARNING")


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.goals import report  # noqa: E402
from boards.models import Board, Membership, Partnership, Role, SubCommittee  # noqa: E402
from notifications.selection import select  # noqa: E402
from notifications.tasks import send_now  # noqa: E402
from plans.models import Action, BusinessPlan, Objective, PriorityArea, ProgressUpdate, Rag, Status  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
BATCH = 20_000  # actions built and inserted at a time: the bench's own memory stays bounded
TODAY = datetime.date(2026, 11, 23)
BOARDS, LEADS, CHAIRS, MANAGERS_PER_BOARD = 4, 200, 20, 2
DAILY = ("overdue", "due_soon", "escalation")
SLIPPED = 100


def reset() -> None:
    tables = [
        "notifications_notification",
        "notifications_sentreminder",
        "notifications_notificationpreference",
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
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM auth_user WHERE username LIKE 'bench-%%'")


def build(n_actions: int) -> None:
    """Four boards, 200 leads, 20 chairs, two managers each; actions spread over due dates
    from 200 days ago to 200 days ahead, a fifth led by a sub-committee (no person named),
    a tenth complete; progress notes on half; 100 actions whose due date slipped this week."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-{i}", email=f"bench-{i}@example.org")
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
            period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2028, 3, 31),
            status=BusinessPlan.Status.APPROVED,
            approved_at=timezone.now(),
        )
        for b in boards
    )
    areas = PriorityArea.objects.bulk_create(
        PriorityArea(plan=p, number=i + 1, title=f"Priority {i + 1}") for p in plans for i in range(10)
    )
    objectives = Objective.objects.bulk_create(
        Objective(priority_area=a, number=f"{a.number}.{j + 1}", position=j + 1, description="Objective")
        for a in areas
        for j in range(10)
    )
    per_board = len(objectives) // BOARDS

    def action(i: int) -> Action:
        board = i % BOARDS
        board_leads = leads[board::BOARDS]
        board_committees = committees[board::BOARDS]
        named = i % 5 != 0
        return Action(
            objective=objectives[board * per_board + (i // BOARDS) % per_board],
            position=i // len(objectives) + 1,
            description=f"Implement and embed a robust multi-agency approach, step {i}",
            lead_role="Chair of Quality Assurance Sub-committee",
            responsible=board_leads[i % len(board_leads)] if named else None,
            lead_sub_committee=board_committees[i % len(board_committees)],
            due_date=TODAY + datetime.timedelta(days=(i * 7919) % 401 - 200),
            status=Status.COMPLETE if i % 10 == 0 else Status.IN_PROGRESS,
            rag=Rag.BLUE if i % 10 == 0 else Rag.GREEN,
        )

    slipping = []
    for start in range(0, n_actions, BATCH):
        actions = Action.objects.bulk_create(
            [action(i) for i in range(start, min(start + BATCH, n_actions))], batch_size=5000
        )
        ProgressUpdate.objects.bulk_create(
            (
                ProgressUpdate(
                    action=a, date=TODAY - datetime.timedelta(days=30 + a.pk % 120), text="Reviewed at BPG."
                )
                for a in actions[::2]
            ),
            batch_size=5000,
        )
        if start == 0:
            slipping = actions[1 : 1 + SLIPPED * 10 : 10]
    actions = slipping
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False):
        for slipped in actions:
            slipped.save()  # the first history row
            slipped.due_date += datetime.timedelta(days=30)
            slipped.save()  # … and the slip


def measure(jobs: tuple[str, ...], today: datetime.date = TODAY) -> tuple[int, int, float, int]:
    """(selection queries, total queries, seconds, e-mails) for one run of ``jobs``."""
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    mail.outbox = []
    selection_queries = 0
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for job in jobs:
            before = len(queries)
            select(job, today)
            selection_queries += len(queries) - before
        for job in jobs:
            send_now(job, today)
    elapsed = time.perf_counter() - started
    return selection_queries, len(queries), elapsed, len(mail.outbox)


RUNS = (
    ("daily", DAILY, 0),  # the first sweep ever: every long-overdue action escalates
    ("daily, again", DAILY, 0),  # a second beat or a re-run: nothing is sent twice
    ("next day", DAILY, 1),  # steady state
    ("weekly digest", ("digest",), 0),
)


def sweeps() -> None:
    """Run the sweeps on the database as built, in this (child) process, and print one JSON
    line: each run's figures and this process's peak memory (ru_maxrss: what the sweep
    itself held, without the bench's building)."""
    setup_test_environment()  # locmem outbox
    results = []
    for label, jobs, days in RUNS:
        select_q, total_q, seconds, emails = measure(jobs, TODAY + datetime.timedelta(days=days))
        results.append([label, select_q, total_q, seconds, emails])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"runs": results, "peak_mib": peak_mib}))


def main() -> None:
    call_command("migrate", verbosity=0)
    print(
        f"One sweep on {TODAY}: {BOARDS} boards, {LEADS} leads, {CHAIRS} chairs, {BOARDS * MANAGERS_PER_BOARD} managers"
    )
    print(
        "(selection queries = reading who gets what; the rest claim, send and record, a fixed few per e-mail)"
    )
    print(
        f"{'actions':>9} {'sweep':<14} {'selection q':>11} {'queries':>8} {'seconds':>8} {'e-mails':>8} "
        f"{'q/e-mail':>8} {'peak MiB':>9}"
    )
    first_daily: dict[int, tuple[int, float]] = {}
    for n_actions in SIZES:
        reset()
        build(n_actions)
        output = subprocess.run(
            [sys.executable, __file__, "--sweeps"], capture_output=True, text=True, check=True, env=os.environ
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        for label, select_q, total_q, seconds, emails in result["runs"]:
            per = f"{(total_q - select_q) / emails:.1f}" if emails else "-"
            print(
                f"{n_actions:>9,} {label:<14} {select_q:>11} {total_q:>8} {seconds:>8.2f} {emails:>8} {per:>8} "
                f"{result['peak_mib']:>9.0f}"
            )
            if label == "daily":
                first_daily[n_actions] = (total_q, seconds)
    print("peak MiB: the sweeping process's maximum resident set size (all four sweeps of that size).")
    (q_100k, s_100k), (q_1m, s_1m) = first_daily[100_000], first_daily[1_000_000]
    report(
        "reminder_sweep",
        f"{q_100k:,} → {q_1m:,} queries, {s_100k:.1f} → {s_1m:.1f} s ({s_1m / s_100k:.1f}×)",
        q_1m <= q_100k and s_1m <= 10 * s_100k,
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--sweeps"]:
        sweeps()
    else:
        main()
