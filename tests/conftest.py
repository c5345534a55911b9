"""Shared fixtures: two boards, and on the first a manager, a chair, a member and
an executive; plus an outsider who manages only the second board."""

from dataclasses import dataclass

import pytest

from boards.models import Board, Role
from tests.factories import BoardFactory, MembershipFactory, UserFactory


@dataclass
class People:
    board: Board
    other_board: Board
    manager: object
    chair: object
    member: object
    executive: object
    outsider: object


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs) -> None:
    """With pytest-xdist (`make test` runs two processes), each process gets its own Redis
    database: the first REDIS_URL's, the next the one below it, and so on. Its Celery worker
    (tests/celery_worker.py), queues, results, caches and the flushdb before each worker start
    then never meet another process's; the test databases are pytest-django's own (_gw0,
    _gw1), and everything else a test starts takes its own port or tmp_path. The variable is
    set in the process's environment before Django reads its settings, so every process it
    starts (Celery workers, gunicorn) inherits the same one."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    base = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    number = int(base.path.strip("/") or 0)
    if number < len(specs) - 1:
        raise pytest.UsageError(
            f"{len(specs)} test processes need Redis databases {number} down to {number - len(specs) + 1}:"
            f" give REDIS_URL a database number of at least {len(specs) - 1}"
        )
    for index, spec in enumerate(specs):
        spec.env["REDIS_URL"] = urlunsplit(base._replace(path=f"/{number - index}"))


@pytest.fixture
def people(db) -> People:
    board = BoardFactory(short_name="SSCB")
    other_board = BoardFactory(short_name="LSCB")
    users = {}
    for role in (Role.MANAGER, Role.CHAIR, Role.MEMBER, Role.EXECUTIVE):
        users[role] = UserFactory(username=f"{role}-user")
        MembershipFactory(user=users[role], board=board, role=role)
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, board=other_board, role=Role.MANAGER)
    return People(
        board=board,
        other_board=other_board,
        manager=users[Role.MANAGER],
        chair=users[Role.CHAIR],
        member=users[Role.MEMBER],
        executive=users[Role.EXECUTIVE],
        outsider=outsider,
    )


@pytest.fixture(scope="session", autouse=True)
def flush_by_delete():
    """After each transactional test (browser, worker and migration tests) Django empties every
    table with one TRUNCATE of all ~130 tables. PostgreSQL makes new files for each table and
    index it truncates, so that takes 0.4–1.5 s on a quiet machine (4–5 s when busy), even when
    the tables are empty, about a hundred times a run. A DELETE from each table empties the same
    tables in ~20 ms. Every foreign key is DEFERRABLE INITIALLY DEFERRED (Django makes them so),
    so the order does not matter; the post_migrate signal still runs after the flush, as before.
    Sequences were not reset before either (reset_sequences=False)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        deletes = "; ".join(f"DELETE FROM {style.SQL_FIELD(self.quote_name(table))}" for table in tables)
        return [f"SET CONSTRAINTS ALL DEFERRED; {deletes};"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """PBKDF2's deliberate slowness is for attackers, not for the test suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_plan_page_cache():
    """Each test starts with no cached plan page bodies (plans.page_cache), with the shared
    cache taken as reachable (safeguarding.shared_cache)."""
    from plans import page_cache, quick_form_html
    from safeguarding import shared_cache

    shared_cache.reset_outage()
    page_cache.clear()
    quick_form_html.clear()


@pytest.fixture(autouse=True)
def account_emails_sent_at_once(monkeypatch, settings):
    """Account e-mails go through the worker (accounts.outbox); tests that are not about
    the worker run the task here, at once. Rate-limit counters live in memory, fresh per test."""
    from celery import current_app

    from accounts import outbox

    def run_here(task_name: str, args: list) -> None:
        import accounts.tasks  # noqa: F401 (registers the tasks)

        current_app.tasks[task_name].apply(args=args)

    monkeypatch.setattr(outbox, "send_email_later", run_here)
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ratelimit-tests",
        },
        # The API's per-token counts too (tests/api/test_feed_and_throttling.py uses Redis itself).
        "api": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-tests"},
    }
    from django.core.cache import caches

    caches["ratelimit"].clear()
    caches["api"].clear()


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider on loopback in its own process
    (tests/accounts/oidc_provider.py); yields its issuer URL."""
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-m", "tests.accounts.oidc_provider"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and not line.startswith("PORT "):
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise RuntimeError("the test OpenID Connect provider did not start")
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def migrated_database(django_db_setup, django_db_blocker):
    """A template copy of the migrated test database, made when the first migration test
    needs it (tests/migrated_database.py) and dropped at the end of the run."""
    from tests.migrated_database import MigratedDatabase

    database = MigratedDatabase()
    with django_db_blocker.unblock():
        database.snapshot()
    yield database
    with django_db_blocker.unblock():
        database.drop_template()


@pytest.fixture
def restore_migrated_database(migrated_database, transactional_db):
    """For tests that migrate the test database back or rebuild it: afterwards, pass or
    fail, it is as ``migrate`` left it, copied from the template rather than migrated again."""
    yield
    migrated_database.restore()


@pytest.fixture
def migrator(restore_migrated_database, django_db_use_migrations):
    """django-test-migrations' ``migrator``, but restored from the template afterwards
    instead of by its ``reset()`` (a full ``migrate``: 110 s on a busy machine)."""
    from django_test_migrations.migrator import Migrator

    if not django_db_use_migrations:
        pytest.skip("--nomigrations was specified")
    return Migrator()
