"""Import speed and memory: a 2,000-action workbook read (in the worker's child process),
previewed and written, each stage's seconds and peak memory printed beside its goal; then
what writing row by row (so simple-history records each row) costs next to
bulk_create_with_history.

Every write runs in a transaction that is rolled back, so the database is left as found.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeguarding_bench .venv/bin/python bench/import_plan.py
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
os.environ.setdefault("AXES_ENABLED", "false")

sys.path.insert(0, str(ROOT / "bench"))
from plan_page import ensure_database  # noqa: E402  (also sets Django up)

ensure_database()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from boards.models import Board, Partnership  # noqa: E402
from plans.models import Action, BusinessPlan, Objective, PriorityArea, ProgressUpdate  # noqa: E402
from plans.transfer.importer import write_draft  # noqa: E402
from plans.transfer.mapping import guess_mapping  # noqa: E402
from plans.transfer.preview import build_draft  # noqa: E402
from plans.transfer.sandbox import read_in_child  # noqa: E402

# Goals for a 2,000-action workbook: (seconds, peak MiB). The read must stay far inside the
# child's limits (IMPORT_READ_SECONDS, IMPORT_READ_MEMORY_MB); preview and write run in the
# worker, whose children are recycled past CELERY_WORKER_MAX_MEMORY_PER_CHILD (1 GiB).
GOALS = {"parse": (10.0, 256), "preview": (2.0, 128), "write": (20.0, 256)}

HEADER = [
    "Priority area",
    "What do we want to achieve?",
    "How was the issue identified?",
    "Agreed action",
    "Lead person",
    "Timescale",
    "Progress",
    "Measure",
]


class RollbackError(Exception):
    pass


def plan_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(rows):
        area, objective = n // 200 + 1, n // 5 + 1
        writer.writerow(
            [
                f"Priority Area {area} – Area {area}" if n % 200 == 0 else "",
                f"{area}.{objective} Objective {objective}" if n % 5 == 0 else "",
                "Performance report" if n % 5 == 0 else "",
                f"Action {n} to improve the service",
                "Chair of Quality Assurance Sub-committee",
                "December 2011",
                "Progress reported to the board",
                "Reduction in repeat referrals (NI64)" if n % 5 == 0 else "",
            ]
        )
    return buffer.getvalue().encode()


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"  {label:<44} {time.perf_counter() - start:7.2f} s")
    return result


def plan_workbook(actions: int) -> bytes:
    """One sheet per priority area of 200 actions, with the seven columns and a priority-area column."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    rows = list(csv.reader(io.StringIO(plan_csv(actions).decode())))
    for first in range(1, len(rows), 200):
        sheet = workbook.create_sheet(f"Priority Area {first // 200 + 1}")
        sheet.append(rows[0])
        for row in rows[first : first + 200]:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measured(fn) -> tuple[object, float, float]:
    """(result, seconds, peak MiB of Python allocations). Timed on a plain run, then run again
    under tracemalloc for the memory (tracing slows it, so it is not timed)."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 1024 / 1024


def report(stage: str, seconds: float, mib: float, how: str) -> None:
    goal_seconds, goal_mib = GOALS[stage]
    verdict = "ok" if seconds <= goal_seconds and mib <= goal_mib else "OVER GOAL"
    print(
        f"  {stage:<8} {seconds:7.2f} s (goal ≤ {goal_seconds:4.0f} s)   "
        f"{mib:6.0f} MiB {how:<28} (goal ≤ {goal_mib} MiB)   {verdict}"
    )


def workbook_figures(actions: int, user, board) -> None:
    from django.conf import settings

    data = plan_workbook(actions)
    print(f"{actions:,}-action workbook ({len(data) / 1024:.0f} KiB .xlsx):")
    start = time.perf_counter()
    extracted = read_in_child(
        "plan.xlsx", data, memory_mb=settings.IMPORT_READ_MEMORY_MB, seconds=settings.IMPORT_READ_SECONDS
    )
    seconds = time.perf_counter() - start
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    report("parse", seconds, child_peak, "(child process, peak RSS)")
    headings = [h for t in extracted["tables"] for h in t["header"]]
    as_of = datetime.date(2011, 9, 30)
    draft, seconds, mib = measured(
        lambda: build_draft(extracted, guess_mapping(headings), plan=None, progress_as_of=as_of)
    )
    report("preview", seconds, mib, "(Python heap, tracemalloc)")
    assert draft["counts"]["actions"] == actions, draft["counts"]

    def write() -> None:
        new_plan = {"title": f"Bench {actions}", "period_start": "2011-04-01", "period_end": "2013-03-31"}
        try:
            with transaction.atomic():
                write_draft(draft, user=user, board=board, new_plan=new_plan)
                raise RollbackError
        except RollbackError:
            pass

    _, seconds, mib = measured(write)
    report("write", seconds, mib, "(Python heap, tracemalloc)")
    print(f"  rows written: {draft['counts']['rows']:,}")


def main() -> None:
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-importer")
    partnership, _ = Partnership.objects.get_or_create(name="Bench", defaults={"slug": "bench"})
    board, _ = Board.objects.get_or_create(
        slug="bench-import",
        defaults={
            "partnership": partnership,
            "name": "Bench board",
            "short_name": "BB",
            "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        },
    )
    workbook_figures(2000, user, board)
    print("1,000 progress notes, history included:")
    try:
        with transaction.atomic():
            plan = BusinessPlan.objects.create(
                board=board,
                title="Bench notes",
                period_start=datetime.date(2011, 4, 1),
                period_end=datetime.date(2013, 3, 31),
            )
            objective = Objective.objects.create(
                priority_area=PriorityArea.objects.create(plan=plan, number=1, title="A"),
                number="1.1",
                position=1,
                description="x",
            )
            action = Action.objects.create(objective=objective, position=1, description="x", lead_role="x")
            notes = [
                ProgressUpdate(action=action, date=datetime.date(2011, 9, 30), text=f"note {n}")
                for n in range(1000)
            ]

            def one_by_one():
                for note in notes:
                    note._history_user = user
                    note.save()

            timed("save() one by one", one_by_one)
            copies = [
                ProgressUpdate(action=action, date=datetime.date(2011, 9, 30), text=f"copy {n}")
                for n in range(1000)
            ]
            timed(
                "bulk_create_with_history",
                lambda: bulk_create_with_history(copies, ProgressUpdate, default_user=user),
            )
            raise RollbackError
    except RollbackError:
        pass


if __name__ == "__main__":
    main()
