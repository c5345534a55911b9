"""Faults in the services the planner depends on: the site fails fast with a clear page and
recovers by itself, with no restart of the web or worker processes."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from tests.celery_worker import test_database_url as database_url_for_servers
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.servers import PRODUCTION_ENV, fetch, free_port, running_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)


def cut_every_other_database_connection() -> int:
    """What a PostgreSQL restart does to the app's connections: pg_terminate_backend."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def signed_in_cookies(user) -> dict[str, str]:
    """A session the production-settings server accepts (same SECRET_KEY)."""
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def test_gunicorn_under_load_recovers_from_cut_database_connections_without_a_restart(settings):
    settings.SECRET_KEY = PRODUCTION_ENV["SECRET_KEY"]
    board = BoardFactory(name="Fault-tolerant board")
    user = UserFactory()
    MembershipFactory(user=user, board=board)
    cookies = signed_in_cookies(user)
    results: list[tuple[float, int, float]] = []  # (when, status, seconds)
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            started = time.monotonic()
            status, _ = fetch(f"{url}/", cookies)
            results.append((started, status, time.monotonic() - started))

    # Persistent connections, as a busy production site would keep them.
    with running_gunicorn(database_url_for_servers(), workers=3, CONN_MAX_AGE="600") as url:
        clients = [threading.Thread(target=load) for _ in range(4)]
        for client in clients:
            client.start()
        time.sleep(2)
        cut_at = time.monotonic()
        assert cut_every_other_database_connection() >= 1
        # Keep the load on until enough requests started after the cut have finished
        # (on a busy machine a request can take seconds).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(1 for when, _, _ in list(results) if when > cut_at + 2) < 8:
            time.sleep(0.2)
        stop.set()
        for client in clients:
            client.join(timeout=30)
        status, body = fetch(f"{url}/", cookies)
    assert status == 200 and "Fault-tolerant board" in body
    after = [(status, seconds) for when, status, seconds in results if when > cut_at]
    assert after, "no requests were made after the cut"
    # A request caught mid-cut may get the "unavailable" page, fast; none hangs, none is a 500.
    assert {status for status, _ in after} <= {200, 503}
    assert max(seconds for _, seconds in after) < 5
    # And the service recovered by itself: the requests in the last second all succeeded.
    assert all(status == 200 for when, status, _ in results if when > cut_at + 2)


def test_while_the_database_is_unreachable_pages_fail_fast_with_a_clear_page():
    # Nothing listens on this port: as if PostgreSQL were down.
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/nowhere"
    with running_gunicorn(unreachable, workers=1) as url:
        started = time.monotonic()
        # A returning user: the session is looked up in the database.
        status, body = fetch(f"{url}/", {"sessionid": "a" * 32})
        assert time.monotonic() - started < 5
    assert status == 503
    assert "Sorry, the service is unavailable for a moment" in body and "Try again in a minute" in body


def test_the_worker_goes_on_after_the_database_connections_are_cut():
    """Celery's Django fix-up closes the database connection after every task, so a
    restart between tasks costs a reconnect, never a failed task."""
    from safeguarding.celery import app
    from tests.celery_worker import running_worker

    with running_worker(extra_env={"CONN_MAX_AGE": "600"}):
        first = app.send_task("notifications.run_job", args=["overdue"]).get(timeout=30)
        cut_every_other_database_connection()
        second = app.send_task("notifications.run_job", args=["overdue"]).get(timeout=30)
    assert first == [] and second == []
