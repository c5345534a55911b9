"""Each bench script reports its figures beside their goals here; ``bench/summary.py`` prints
issue 18's table from them at the end of ``make bench`` (one run, every row).

Results are appended as JSON lines to ``BENCH_RESULTS`` (default ``.make/bench-results.jsonl``).
"""

from __future__ import annotations

import functools
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / ".make" / "bench-results.jsonl"))

# Issue 18's table, in its order: key → (what is measured, goal).
ROWS = {
    "plan_uncached": ("plan page, 1,000 actions, uncached", "≤ 60 ms"),
    "plan_cached": ("plan page, cached, against a bare view of the same bytes", "≤ 2×"),
    "plan_history": ("cached plan page, 1,000 → 76,000 progress history rows", "flat"),
    "board_pack": ("board pack, 1,000 actions", "≤ 20 s wall, ≤ 500 MiB per process"),
    "reminder_sweep": (
        "reminder sweep, first daily sweep, 100,000 → 1,000,000 actions",
        "queries flat, ≤ 10× the 100,000 time",
    ),
}


@functools.cache
def machine_seconds() -> float:
    """The seconds this machine takes for a fixed pure-Python loop (10 million additions),
    the best of three: the figures here are milliseconds of one CPU, and machines of the
    same kind have differed 2.5× between sessions (1,000-action plan page uncached: 54 ms
    on one, 139 ms on another), so each result says how fast the machine it ran on was."""
    best = float("inf")
    for _attempt in range(3):
        started = time.perf_counter()
        total = 0
        for step in range(10_000_000):
            total += step
        best = min(best, time.perf_counter() - started)
    return round(best, 2)


def report(key: str, figure: str, met: bool) -> None:
    """Print ``figure`` beside the row's goal and keep it for the summary."""
    what, goal = ROWS[key]
    print(
        f"{what}: {figure} (goal {goal}: {'met' if met else 'NOT met'};"
        f" this machine's 10-million-addition loop: {machine_seconds():.2f} s)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as results:
        # The load average beside each figure: the machine may be shared (summary prints it).
        entry = {
            "key": key,
            "figure": figure,
            "met": met,
            "load": round(os.getloadavg()[0], 2),
            "machine_s": machine_seconds(),
        }
        results.write(json.dumps(entry) + "\n")
