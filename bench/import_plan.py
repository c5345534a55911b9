"""Import speed: reading, previewing and writing a plan file of 500 and 4,000 rows, and
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
import sys
import time
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
from plans.transfer.files import read_upload  # noqa: E402
from plans.transfer.importer import write_draft  # noqa: E402
from plans.transfer.mapping import guess_mapping  # noqa: E402
from plans.transfer.preview import build_draft  # noqa: E402

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


def import_once(rows: int, user, board) -> None:
    data = plan_csv(rows)
    print(f"{rows} action rows ({len(data) / 1024:.0f} KiB CSV):")
    extracted = timed("read and check the file", lambda: read_upload("plan.csv", data).as_json())
    headings = [h for t in extracted["tables"] for h in t["header"]]
    as_of = datetime.date(2011, 9, 30)
    draft = timed(
        "build the preview",
        lambda: build_draft(extracted, guess_mapping(headings), plan=None, progress_as_of=as_of),
    )
    print(f"  rows to write: {draft['counts']['rows']}")
    new_plan = {"title": f"Bench {rows}", "period_start": "2011-04-01", "period_end": "2013-03-31"}
    try:
        with transaction.atomic():
            timed(
                "write (bulk, history rows included)",
                lambda: write_draft(draft, user=user, board=board, new_plan=new_plan),
            )
            raise RollbackError
    except RollbackError:
        pass


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
    for rows in (500, 4000):
        import_once(rows, user, board)
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
