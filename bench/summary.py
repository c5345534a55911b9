"""Print issue 18's table from the figures the bench scripts reported in this run
(bench/goals.py): every row beside its goal. A row no script reported says so."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.goals import RESULTS, ROWS


def main() -> None:
    figures: dict[str, dict] = {}
    if RESULTS.exists():
        for line in RESULTS.read_text().splitlines():
            entry = json.loads(line)
            figures[entry["key"]] = entry  # the latest report of a row wins
    width = max(len(what) for what, _ in ROWS.values())
    print()
    print(f"{'what':<{width}}  {'goal':<38}  {'met':<3}  {'load':>4}  {'loop s':>6}  measured")
    for key, (what, goal) in ROWS.items():
        entry = figures.get(key)
        figure = entry["figure"] if entry else "not measured in this run"
        met = ("yes" if entry["met"] else "NO") if entry else "-"
        load = f"{entry['load']:.1f}" if entry and "load" in entry else "-"
        loop = f"{entry['machine_s']:.2f}" if entry and "machine_s" in entry else "-"
        print(f"{what:<{width}}  {goal:<38}  {met:<3}  {load:>4}  {loop:>6}  {figure}")
    print(f"(load: 1-minute load average when the row was measured, on {os.cpu_count()} CPUs;")
    print(" loop s: this machine's seconds for 10 million Python additions, bench.goals.machine_seconds,")
    print(" the yardstick for comparing these figures across machines)")


if __name__ == "__main__":
    main()
