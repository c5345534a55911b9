"""gunicorn.conf.py (issue 15 point 1): the web process runs threaded workers, so a quick
request is not queued behind a slow one, and the configuration loads with the app."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def gunicorn(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Run from the project's directory, as the Dockerfile's CMD is: gunicorn reads
    # ./gunicorn.conf.py from where it starts.
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", *args, "safeguarding.wsgi"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "GUNICORN_THREADS")},
            "DEBUG": "true",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_printed(**env: str) -> dict[str, str]:
    result = gunicorn("--print-config", **env)
    assert result.returncode == 0, result.stderr
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


def test_the_configuration_and_the_app_load():
    result = gunicorn("--check-config")
    assert result.returncode == 0, result.stderr


def test_three_threaded_workers_by_default():
    printed = settings_printed()
    assert printed["worker_class"] == "gthread"
    assert printed["workers"] == "3"
    assert printed["threads"] == "8"
    assert int(printed["max_requests"]) > 0


def test_workers_and_threads_come_from_the_environment():
    printed = settings_printed(WEB_CONCURRENCY="5", GUNICORN_THREADS="2")
    assert (printed["workers"], printed["threads"]) == ("5", "2")
