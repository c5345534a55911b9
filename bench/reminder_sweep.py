"""Reminder sweep: queries, seconds and e-mails for one daily sweep (overdue, due soon,
escalation) and one weekly digest, over 10,000, 100,000 and 1,000,000 actions (national scale).

The number of people is the same at both sizes (four boards, 200 leads, 20 chairs), so
the number of e-mails is too: what must not grow with the number of actions is the
number of queries. Tasks run in this process (the per-recipient code the worker runs)
with Django's locmem e-mail backend, so no SMTP server is needed.

Each size's data set (bench/reminder_data.py, set-based SQL) is built once in a database
of its own, DATABASE_URL's name with _10k_built, _100k_built or _1m_built added (made as
a copy of DATABASE_URL's database, which is only migrated), and kept: a later run reuses
it when the builder's source, the size and the applied migrations are the same (a marker
table records them) and the action count matches; BENCH_REBUILD=1 builds afresh. The
sweeps run on a file copy of it (…_10k, …_100k, …_1m), made afresh each run, so every
run measures the same production selection and sending code on the same database, from
no reminder sent yet.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeguarding_bench_reminders \\
        .venv/bin/python bench/reminder_sweep.py
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_reminders")
BASE_URL = os.environ["DATABASE_URL"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ["EMAIL_URL"] = "memorymail://"  # django-environ: the locmem backend
os.environ.setdefault("LOG_LEVEL", "WARNING")


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench import reminder_data  # noqa: E402
from bench.goals import report  # noqa: E402
from bench.reminder_data import BOARDS, CHAIRS, LEADS, MANAGERS_PER_BOARD, TODAY  # noqa: E402
from notifications.selection import select  # noqa: E402
from notifications.tasks import send_now  # noqa: E402

SIZES = (10_000, 100_000, 1_000_000)
DAILY = ("overdue", "due_soon", "escalation")
# Each size's data set is kept in a database of its own between runs (see prepare()).
SUFFIXES = {10_000: "10k", 100_000: "100k", 1_000_000: "1m"}


def database_url(n_actions: int) -> str:
    return f"{BASE_URL}_{SUFFIXES[n_actions]}"


def use_database(url: str) -> None:
    """Point this process's connection at ``url``'s database."""
    connection.close()
    connection.settings_dict["NAME"] = url.rsplit("/", 1)[1]


COPY_AS_FILES_ABOVE = 300 * 1024 * 1024  # bytes


def copy_database(template_url: str, url: str) -> None:
    """Make ``url``'s database afresh as a file copy of ``template_url``'s: a migrated
    database in a second where migrating takes a minute or two, a million actions in
    seconds where building them takes minutes."""
    import psycopg

    base, name = url.rsplit("/", 1)
    template = template_url.rsplit("/", 1)[1]
    connection.close()  # nobody may be connected to a template
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        size = conn.execute("SELECT pg_database_size(%s)", [template]).fetchone()[0]
        # A large database is quicker copied as files (after a checkpoint, which on a busy
        # server can take seconds), a small one through the WAL (PostgreSQL's default).
        strategy = "FILE_COPY" if size > COPY_AS_FILES_ABOVE else "WAL_LOG"
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY {strategy}')


def database_exists(url: str) -> bool:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def applied_migrations() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return repr(cursor.fetchall())


def fingerprint(n_actions: int, migrations: str) -> str:
    """What a kept data set must have been built from: the builder's source, the size,
    and every migration applied (a new migration may change the tables the sweep reads)."""
    digest = hashlib.sha256(Path(reminder_data.__file__).read_bytes())
    digest.update(f"{n_actions}\n{migrations}".encode())
    return digest.hexdigest()


MARKER = "bench_reminder_dataset"


def is_kept(url: str, n_actions: int, wanted: str) -> bool:
    """``url``'s database holds a finished build of this size from this builder and schema."""
    use_database(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(f"SELECT fingerprint, n_actions, actions FROM {MARKER}")
        row = cursor.fetchone()
        if row is None or row[0] != wanted or row[1] != n_actions:
            return False
        cursor.execute("SELECT count(*) FROM plans_action")
        return bool(cursor.fetchone()[0] == n_actions == row[2])


def prepare(n_actions: int) -> str:
    """Ready this size's database for the sweeps, as a copy of the built data set it keeps
    (``…_built``, never swept): the one there when it was built by this builder on this
    schema, or one built afresh in a copy of the migrated base database. The sweeps so
    always start from the same database, statistics included. Returns what was done."""
    ensure_database(BASE_URL)
    use_database(BASE_URL)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM plans_action)")
        if cursor.fetchone()[0]:  # an older bench's data set, built in the base itself
            reminder_data.reset()
    wanted = fingerprint(n_actions, applied_migrations())
    built = f"{database_url(n_actions)}_built"
    done = "kept data set"
    if (
        os.environ.get("BENCH_REBUILD") == "1"
        or not database_exists(built)
        or not is_kept(built, n_actions, wanted)
    ):
        started = time.perf_counter()
        copy_database(BASE_URL, built)
        use_database(built)
        with connection.cursor() as cursor:
            # The bench's own rows: no need to wait for the disk at each commit.
            cursor.execute("SET synchronous_commit = off")
        made = reminder_data.build(n_actions)
        with connection.cursor() as cursor:
            # As autovacuum leaves a production database: statistics and visibility maps up to date.
            cursor.execute(f"VACUUM ANALYZE {', '.join(reminder_data.TABLES)}, auth_user")
            cursor.execute("SET synchronous_commit = on")
            cursor.execute(f"CREATE TABLE {MARKER} (fingerprint text, n_actions integer, actions integer)")
            cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s)", [wanted, n_actions, made["actions"]])
        seconds = time.perf_counter() - started
        done = (
            f"built in {seconds:.0f} s ("
            + ", ".join(f"{count:,} {what}" for what, count in made.items())
            + ")"
        )
    started = time.perf_counter()
    copy_database(built, database_url(n_actions))
    return f"{done}, copied for the sweeps in {time.perf_counter() - started:.0f} s"


def measure(jobs: tuple[str, ...], today: datetime.date = TODAY) -> tuple[int, int, float, int]:
    """(selection queries, total queries, seconds, e-mails) for one run of ``jobs``."""
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    mail.outbox = []
    selection_queries = 0
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        for job in jobs:
            before = len(queries)
            select(job, today)
            selection_queries += len(queries) - before
        for job in jobs:
            send_now(job, today)
    elapsed = time.perf_counter() - started
    return selection_queries, len(queries), elapsed, len(mail.outbox)


RUNS = (
    ("daily", DAILY, 0),  # the first sweep ever: every long-overdue action escalates
    ("daily, again", DAILY, 0),  # a second beat or a re-run: nothing is sent twice
    ("next day", DAILY, 1),  # steady state
    ("weekly digest", ("digest",), 0),
)


def sweeps() -> None:
    """Run the sweeps on the database as built, in this (child) process, and print one JSON
    line: each run's figures and this process's peak memory (ru_maxrss: what the sweep
    itself held, without the bench's building)."""
    setup_test_environment()  # locmem outbox
    results = []
    for label, jobs, days in RUNS:
        select_q, total_q, seconds, emails = measure(jobs, TODAY + datetime.timedelta(days=days))
        results.append([label, select_q, total_q, seconds, emails])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"runs": results, "peak_mib": peak_mib}))


def main() -> None:
    print(
        f"One sweep on {TODAY}: {BOARDS} boards, {LEADS} leads, {CHAIRS} chairs, {BOARDS * MANAGERS_PER_BOARD} managers"
    )
    print(
        "(selection queries = reading who gets what; the rest claim, send and record, a fixed few per e-mail)"
    )
    print(
        f"{'actions':>9} {'sweep':<14} {'selection q':>11} {'queries':>8} {'seconds':>8} {'e-mails':>8} "
        f"{'q/e-mail':>8} {'peak MiB':>9}"
    )
    first_daily: dict[int, tuple[int, float, float]] = {}
    for n_actions in SIZES:
        print(f"{n_actions:>9,} {prepare(n_actions)} (load {os.getloadavg()[0]:.1f})", flush=True)
        connection.close()  # the sweeping process has the database to itself
        output = subprocess.run(
            [sys.executable, __file__, "--sweeps"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "DATABASE_URL": database_url(n_actions)},
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        for label, select_q, total_q, seconds, emails in result["runs"]:
            per = f"{(total_q - select_q) / emails:.1f}" if emails else "-"
            print(
                f"{n_actions:>9,} {label:<14} {select_q:>11} {total_q:>8} {seconds:>8.2f} {emails:>8} {per:>8} "
                f"{result['peak_mib']:>9.0f}"
            )
            if label == "daily":
                first_daily[n_actions] = (total_q, seconds, result["peak_mib"])
    print("peak MiB: the sweeping process's maximum resident set size (all four sweeps of that size).")
    (q_100k, s_100k, mib_100k), (q_1m, s_1m, mib_1m) = first_daily[100_000], first_daily[1_000_000]
    report(
        "reminder_sweep",
        f"{q_100k:,} → {q_1m:,} queries, {s_100k:.1f} → {s_1m:.1f} s ({s_1m / s_100k:.1f}×), "
        f"peak {mib_100k:.0f} → {mib_1m:.0f} MiB",
        q_1m <= q_100k and s_1m <= 10 * s_100k,
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--sweeps"]:
        sweeps()
    else:
        main()
