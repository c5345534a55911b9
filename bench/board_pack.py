"""Board pack speed: for plans of 100 and 1,000 actions, the pipeline the worker runs.

The pack is asked for as a web request asks for it (gather the snapshot, hash it), then made
as a worker with two processes makes it (`--concurrency=2`, the Procfile's): one process runs
packs.generation.make_pack (the pack, everything but the full plan) and sends the full-plan
annex to the other, which runs make_annex at the same time; whichever finishes last marks the
pack done. Here the two are two child processes running those same functions on the same
database, so each one's CPU time and peak memory are its own. Each warms up WeasyPrint's fonts
first, as a long-lived worker child has.

Printed: wall seconds from the request to done, CPU seconds of each part, pages, peak MiB of
each process, and the progress messages the pack page showed, beside issue 18's goals.

    .venv/bin/python bench/board_pack.py     # PostgreSQL database "safeguarding_bench_packs"
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_packs")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-packs-"))

SIZES = (100, 1000)

from bench.goals import report  # noqa: E402


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_board(n_actions: int):
    from django.utils import timezone

    from boards.models import Board, Partnership
    from packs.models import BoardPack
    from performance.models import Indicator, IndicatorValue
    from plans.models import (
        Action,
        BusinessPlan,
        Objective,
        PlanStatus,
        PriorityArea,
        ProgressUpdate,
        Rag,
        Status,
    )

    partnership, _ = Partnership.objects.get_or_create(name="Bench", defaults={"slug": "bench"})
    board, _ = Board.objects.get_or_create(
        slug=f"bench-packs-{n_actions}",
        defaults={
            "partnership": partnership,
            "name": f"Bench board {n_actions}",
            "short_name": f"BB{n_actions}",
            "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        },
    )
    BoardPack.objects.filter(board=board).delete()
    BusinessPlan.objects.filter(board=board).delete()
    Indicator.objects.filter(board=board).delete()
    plan = BusinessPlan.objects.create(
        board=board,
        title=f"Bench plan {n_actions}",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2028, 3, 31),
        # Packs include only plans in force (plans.models.in_force_q): an approved plan.
        status=PlanStatus.APPROVED,
        approved_at=timezone.now(),
    )
    areas = PriorityArea.objects.bulk_create(
        PriorityArea(plan=plan, number=i + 1, title=f"Priority area {i + 1}") for i in range(10)
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            priority_area=a,
            number=f"{a.number}.{j + 1}",
            position=j + 1,
            description="Children from all ethnic groups and ability receive a robust and timely service",
        )
        for a in areas
        for j in range(5)
    )
    rags = [Rag.GREEN, Rag.AMBER, Rag.GREEN, Rag.RED, Rag.BLUE]
    actions = Action.objects.bulk_create(
        Action(
            objective=objectives[i % len(objectives)],
            position=i // len(objectives) + 1,
            description=f"Implement and embed a robust multi-agency approach, step {i}",
            lead_role="Chair of Quality Assurance Sub-committee",
            due_date=datetime.date(2026, 6 + i % 7, 28),
            rag=rags[i % 5],
            status=Status.COMPLETE if rags[i % 5] == Rag.BLUE else Status.IN_PROGRESS,
            completed_on=datetime.date(2026, 6, 1) if rags[i % 5] == Rag.BLUE else None,
        )
        for i in range(n_actions)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a, date=datetime.date(2026, 9, 15), text="Action plan reviewed at BPG; next report due."
        )
        for a in actions
    )
    for code in ("NI64", "NI65"):
        indicator = Indicator.objects.create(board=board, code=code, title=f"Indicator {code}", unit="%")
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                period_start=datetime.date(2024 + q // 4, 1 + 3 * (q % 4), 1),
                period_end=datetime.date(2024 + q // 4, 1 + 3 * (q % 4), 28),
                period_label=f"Q{q % 4 + 1} {2024 + q // 4}",
                value=10 + q,
                target=12,
            )
            for q in range(8)
        )
    return board


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_part(part: str, pack_id: int) -> dict:
    """One worker process: warm up, then run the part's own function from packs.generation."""
    import django

    django.setup()
    from packs import generation
    from packs.models import BoardPack
    from packs.rendering import write_pdf

    write_pdf("<html lang='en'><body><p>warm up fonts</p></body></html>")
    print("ready", flush=True)
    sys.stdin.readline()  # both processes start together, as two idle worker children would
    started, cpu = time.time(), cpu_seconds()
    if part == "pack":
        # The annex task goes to the other process (waiting below), as the queue would send it.
        generation.dispatch_annex = lambda pack_id: True
        generation.make_pack(pack_id)
    else:
        # The annex task is sent by make_pack once it has read the sections: wait for that.
        while not BoardPack.objects.filter(pk=pack_id, has_annex=True).exists():
            time.sleep(0.02)
        generation.make_annex(pack_id)
    return {
        "part": part,
        "started": started,
        "ended": time.time(),
        "cpu_s": cpu_seconds() - cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(n_actions: int) -> dict:
    import django

    django.setup()
    from packs import generation
    from packs.generation import request_pack
    from packs.models import BoardPack
    from packs.periods import quarter_containing

    board = build_board(n_actions)
    period = quarter_containing(datetime.date(2026, 8, 1))
    generation.dispatch = lambda pack: None  # the parts below are the worker
    started, cpu = time.time(), cpu_seconds()
    pack, created = request_pack(board, period, None, today=datetime.date(2026, 10, 20))
    gather_s, gather_cpu = time.time() - started, cpu_seconds() - cpu
    assert created
    parts = [
        subprocess.Popen(
            [sys.executable, __file__, "--part", part, str(pack.pk)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ,
        )
        for part in ("pack", "annex")
    ]
    for process in parts:
        assert process.stdout.readline().strip() == "ready"
    for process in parts:
        process.stdin.write("go\n")
        process.stdin.flush()
    messages = []
    while any(process.poll() is None for process in parts):
        message = BoardPack.objects.values_list("progress_message", flat=True).get(pk=pack.pk)
        if not messages or messages[-1] != message:
            messages.append(message)
        time.sleep(0.2)
    results = [json.loads(process.stdout.read().strip().splitlines()[-1]) for process in parts]
    pack.refresh_from_db()
    assert pack.status == "done", (pack.status, pack.error)
    start = min(r["started"] for r in results)
    end = max(r["ended"] for r in results)
    return {
        "actions": n_actions,
        "gather_s": gather_s,
        "gather_cpu": gather_cpu,
        "wall_s": gather_s + (end - start),
        "parts": {r["part"]: {**r, "wall_s": r["ended"] - start} for r in results},
        "pages": pack.pages,
        "annex_pages": pack.annex_pages,
        "messages": messages if messages[-1] == pack.progress_message else [*messages, pack.progress_message],
        "load": os.getloadavg()[0],
    }


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(
        f"{'actions':>8} {'pages':>12} {'wall s':>7} {'gather s':>9} "
        f"{'pack s / CPU s / MiB':>22} {'annex s / CPU s / MiB':>23} {'load':>5}"
    )
    rows: dict[int, dict] = {}
    for size in SIZES:
        # A child process per size, and two per pack, so each peak memory figure is its own.
        output = subprocess.run(
            [sys.executable, __file__, "--size", str(size)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        ).stdout
        row = rows[size] = json.loads(output.strip().splitlines()[-1])
        pack, annex = row["parts"]["pack"], row["parts"]["annex"]
        print(
            f"{row['actions']:>8} {row['pages']:>5} + {row['annex_pages']:>4} {row['wall_s']:>7.1f} "
            f"{row['gather_s']:>9.1f} {pack['wall_s']:>8.1f} {pack['cpu_s']:>6.1f} {pack['peak_mib']:>6.0f} "
            f"{annex['wall_s']:>9.1f} {annex['cpu_s']:>6.1f} {annex['peak_mib']:>6.0f} {row['load']:>5.1f}"
        )
    print("pages: the pack + its full-plan annex. wall s: from the request to done (gather + both parts).")
    print("pack s, annex s: wall seconds from the start of the parts to each part's end, in two processes")
    print("at once; CPU s: each process's own processor time (steadier than wall time on a busy machine);")
    print("MiB: each process's peak resident memory (ru_maxrss). load: 1-minute load average at the end.")
    big = rows[1000]
    print("What the pack page said, in order (1,000 actions):")
    for message in big["messages"]:
        print(f"  {message}")
    worst_mib = max(part["peak_mib"] for part in big["parts"].values())
    cpu = " + ".join(f"{big['parts'][part]['cpu_s']:.1f}" for part in ("pack", "annex"))
    report(
        "board_pack",
        f"{big['wall_s']:.1f} s wall ({cpu} s CPU), {worst_mib:.0f} MiB, "
        f"{big['pages']} + {big['annex_pages']} pages",
        big["wall_s"] <= 20 and worst_mib <= 500,
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--size":
        print(json.dumps(measure(int(sys.argv[2]))))
    elif len(sys.argv) == 4 and sys.argv[1] == "--part":
        print(json.dumps(run_part(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
