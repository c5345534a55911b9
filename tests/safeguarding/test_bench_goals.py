"""The bench's figures carry the speed of the machine they were measured on (bench/goals.py):
each result keeps the 10-million-addition loop's seconds, and the summary prints them."""

from __future__ import annotations

import json

from bench import goals, summary


def test_a_reported_figure_keeps_the_machine_speed_and_the_summary_prints_it(tmp_path, monkeypatch, capsys):
    results = tmp_path / "results.jsonl"
    monkeypatch.setattr(goals, "RESULTS", results)
    monkeypatch.setattr(summary, "RESULTS", results)
    monkeypatch.setattr(goals, "machine_seconds", lambda: 1.21)

    goals.report("plan_uncached", "139 ms", met=False)

    entry = json.loads(results.read_text())
    assert entry["key"] == "plan_uncached" and entry["machine_s"] == 1.21 and entry["met"] is False
    printed = capsys.readouterr().out
    assert "139 ms (goal ≤ 60 ms: NOT met; this machine's 10-million-addition loop: 1.21 s)" in printed
    summary.main()
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("plan page, 1,000"))
    assert row.split()[-3:] == ["1.21", "139", "ms"]


def test_the_machine_loop_is_timed_once_per_process():
    goals.machine_seconds.cache_clear()
    first = goals.machine_seconds()
    assert 0 < first < 60
    assert goals.machine_seconds() is first  # cached: a second report does not run it again
