"""`make run` is the whole product: in a fresh clone, with a throw-away SQLite file and a
Redis of its own, it serves the demo with a worker and a beat, so an import and a pack
finish and the demo's overdue reminders are in the notifications list; Ctrl-C stops it all.

This is the slowest test in the suite (a clone, `npm ci`, the demo load, a real pack
render): about two minutes. It runs `make run` exactly as a user would, except that the
clone reuses this checkout's virtualenv (VENV=...) instead of building its own.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.plans.transfer.files import docx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"Timed out waiting for {what}. make run printed:\n{log.read_text()[-4000:]}")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of the test's own, so the clone's worker never takes the suite's messages."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def make_run(tmp_path, private_redis):
    clone = tmp_path / "fresh"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    database = tmp_path / "demo.sqlite3"
    port = free_port()
    log = tmp_path / "make-run.log"
    env = {
        key: value
        for key, value in os.environ.items()
        # The suite's own settings must not leak into the product under test.
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL", "REDIS_URL", "AXES_"))
    }
    env.update(DATABASE_URL=f"sqlite:///{database}", DEBUG="true")
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run", f"VENV={ROOT / '.venv'}", f"RUN_PORT={port}", f"REDIS_URL={private_redis}"],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal would give it
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{url}/healthz/"), 420, "the web server", log)
        wait_until(lambda: "beat: Starting" in log.read_text(), 60, "the beat", log)
        yield url, log, database, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def demo_password(log: Path, username: str) -> str:
    match = re.search(rf"^\s+{re.escape(username)}\s+(\S+)", log.read_text(), re.MULTILINE)
    assert match, f"make run did not print the {username} login"
    return match.group(1)


def test_make_run_in_a_fresh_clone_imports_makes_a_pack_reminds_and_stops_on_ctrl_c(
    browser, make_run, tmp_path
):
    url, log, database, process = make_run
    with sqlite3.connect(database) as db:
        (slug,) = db.execute("SELECT slug FROM boards_board WHERE short_name = 'SSCB'").fetchone()

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(demo_password(log, "manager"))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My boards").wait_for()

    # The beat queued today's reminders at start-up and the worker delivered them.
    def reminders_listed() -> bool:
        page.goto(f"{url}/notifications/")
        return page.locator("table tbody tr").count() > 0

    wait_until(reminders_listed, 60, "the demo's reminders in the notifications list", log)
    assert "overdue" in page.locator("table tbody").inner_text()

    # An import: upload a .docx, check the columns, preview, import; the worker does the work.
    upload = tmp_path / "plan.docx"
    upload.write_bytes(docx_bytes())
    page.goto(f"{url}/plans/boards/{slug}/import/")
    page.get_by_label("Title").fill("Plan brought in under make run")
    page.get_by_label("Plan file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check the columns").click()
    page.get_by_role("button", name="Preview the import").click(timeout=60000)
    page.get_by_role("button", name="Import", exact=True).click(timeout=60000)
    page.get_by_role("heading", name="Import complete").wait_for(timeout=60000)

    # A pack: the request returns at once and the page follows the worker to the end.
    page.goto(f"{url}/packs/boards/{slug}/")
    started = time.monotonic()
    page.get_by_role("button", name="Make the quarter's pack").click()
    page.get_by_role("heading").first.wait_for()
    assert time.monotonic() - started < 10, "the request waited for the render"
    page.get_by_role("link", name="Download the PDF").wait_for(timeout=180000)
    context.close()

    # Ctrl-C (SIGINT to the foreground process group) stops the web server, worker and beat.
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not group_alive(process.pid), "a process of make run outlived Ctrl-C"
    assert not answers(f"{url}/healthz/")
    for name in ("web.1 stopped", "worker.1 stopped", "beat.1 stopped"):
        assert name in log.read_text()
