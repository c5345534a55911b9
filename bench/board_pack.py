"""Board pack speed: for plans of 100 and 1,000 actions, seconds to produce the pack
(gather the snapshot, build the sections, render the HTML, lay out and write the
PDF, finish its tagging for PDF/UA, store it), pages, peak memory, and seconds for
WeasyPrint alone on the same finished HTML, in the same run. Target: the pack costs
at most 1.3× WeasyPrint alone. The PDF/UA finishing (safeguarding.tagged_pdf) is also
timed on its own, as a share of WeasyPrint's time.

Each size runs in its own child process so its peak memory is its own.

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


def measure(n_actions: int) -> dict:
    import django

    django.setup()
    from packs import generation
    from packs.generation import request_pack
    from packs.periods import quarter_containing
    from packs.rendering import render_print_html, write_pdf
    from packs.sections import build_sections

    board = build_board(n_actions)
    period = quarter_containing(datetime.date(2026, 8, 1))
    write_pdf("<html lang='en'><body><p>warm up fonts</p></body></html>")

    # Measure the worker's own work (gather, hash, render) in this process, with no queue.
    generation.dispatch = lambda pack: generation.make_pack(pack.pk)
    started, cpu = time.perf_counter(), time.process_time()
    pack, created = request_pack(board, period, None, today=datetime.date(2026, 10, 20))
    pack.refresh_from_db()
    pack_seconds, pack_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert created and pack.status == "done", pack.error

    html = render_print_html(pack.period, pack.snapshot, build_sections(board, pack.period, pack.snapshot))
    from weasyprint import CSS, HTML

    from packs.rendering import PRINT_CSS
    from safeguarding.tagged_pdf import finish_tagged_pdf

    started, cpu = time.perf_counter(), time.process_time()
    document = HTML(string=html, base_url=str(ROOT / "packs")).render(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1"
    )
    raw = document.write_pdf(pdf_variant="pdf/ua-1")
    weasy_seconds, weasy_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    finish_tagged_pdf(raw, html)
    finish_seconds = time.perf_counter() - started
    return {
        "actions": n_actions,
        "pack_s": pack_seconds,
        "pages": pack.pages,
        "alone_pages": len(document.pages),
        "weasy_s": weasy_seconds,
        "finish_s": finish_seconds,
        "pack_cpu": pack_cpu,
        "weasy_cpu": weasy_cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "html_kib": len(html) / 1024,
    }


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(
        f"{'actions':>8} {'pages':>6} {'pack s':>8} {'WeasyPrint s':>13} {'ratio':>6} "
        f"{'pack CPU s':>11} {'WP CPU s':>9} {'ratio':>6} {'finish s':>9} {'of WP':>6} {'peak MiB':>9} {'HTML KiB':>9}"
    )
    rows: dict[int, dict] = {}
    for size in SIZES:
        # A child process per size, so each peak memory figure is that size's own.
        output = subprocess.run(
            [sys.executable, __file__, "--size", str(size)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ,
        ).stdout
        row = rows[size] = json.loads(output.strip().splitlines()[-1])
        print(
            f"{row['actions']:>8} {row['pages']:>6} {row['pack_s']:>8.2f} {row['weasy_s']:>13.2f} "
            f"{row['pack_s'] / row['weasy_s']:>6.2f} {row['pack_cpu']:>11.2f} {row['weasy_cpu']:>9.2f} "
            f"{row['pack_cpu'] / row['weasy_cpu']:>6.2f} {row['finish_s']:>9.2f} "
            f"{row['finish_s'] / row['weasy_s']:>6.0%} {row['peak_mib']:>9.0f} {row['html_kib']:>9.0f}"
        )
    print(
        "pack s: gather + sections + HTML + WeasyPrint + store; WeasyPrint s: the same HTML, layout and PDF only."
    )
    print("CPU s: processor time of the same steps; steadier than wall-clock seconds on a busy machine.")
    print("finish s: PDF/UA finishing of WeasyPrint's output (artifacts, link descriptions), part of pack s.")
    print("peak MiB: maximum resident set size of the process that made the pack (ru_maxrss).")
    big = rows[1000]
    report(
        "board_pack",
        f"{big['pack_s']:.1f} s wall ({big['pack_cpu']:.1f} s CPU), {big['peak_mib']:.0f} MiB, {big['pages']} pages",
        big["pack_s"] <= 20 and big["peak_mib"] <= 500,
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--size":
        print(json.dumps(measure(int(sys.argv[2]))))
    else:
        main()
