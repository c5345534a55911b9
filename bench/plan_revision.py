"""Starting and approving a revision of a plan: seconds and queries for plans of 100 and
1,000 actions (each with a progress note), beside the goal. Both run in the web request
(a manager's button), so they must stay well inside a request's time whatever the size;
the copy is level by level with bulk_create_with_history, so its query count is fixed.

Every write runs in a transaction that is rolled back, so the database is left as found.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeguarding_bench .venv/bin/python bench/plan_revision.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import plan_page

plan_page.ensure_database()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from boards.models import Board, Partnership  # noqa: E402
from plans.approval import approve, start_revision  # noqa: E402
from plans.models import BusinessPlan  # noqa: E402

# Seconds for each step on a plan of 1,000 actions: far inside a 30 s request timeout.
GOAL_SECONDS = 5.0
SIZES = (100, 1000)


def timed(size: int, label: str, step, plan_pk: int, user):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = step(plan_pk, user, lambda locked: True)
        seconds = time.perf_counter() - started
    print(f"{size:>8} {label:<16} {seconds:>8.2f} {len(queries):>8} {GOAL_SECONDS:>7.1f}")
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    partnership, _ = Partnership.objects.get_or_create(name="Bench", defaults={"slug": "bench"})
    board, _ = Board.objects.get_or_create(
        slug="bench-board",
        defaults={
            "partnership": partnership,
            "name": "Bench board",
            "short_name": "BB",
            "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        },
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-manager")
    print(f"{'actions':>8} {'step':<16} {'seconds':>8} {'queries':>8} {'goal s':>7}")
    for size in SIZES:
        with transaction.atomic():
            plan = plan_page.build_plan(board, size)
            BusinessPlan.objects.filter(pk=plan.pk).update(status="approved", approved_at=timezone.now())
            revision = timed(size, "start revision", start_revision, plan.pk, user)
            timed(size, "approve it", approve, revision.pk, user)
            transaction.set_rollback(True)


if __name__ == "__main__":
    main()
