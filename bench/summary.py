"""Print issue 18's table from the figures the bench scripts reported in this run
(bench/goals.py): every row beside its goal. A row no script reported says so."""

from __future__ import annotations

import json
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
    print(f"{'what':<{width}}  {'measured':<46}  {'goal':<38}  met")
    for key, (what, goal) in ROWS.items():
        entry = figures.get(key)
        figure = entry["figure"] if entry else "not measured in this run"
        met = ("yes" if entry["met"] else "NO") if entry else "-"
        print(f"{what:<{width}}  {figure:<46}  {goal:<38}  {met}")


if __name__ == "__main__":
    main()
