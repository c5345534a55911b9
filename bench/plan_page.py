"""Plan page speed: queries per request and requests per second for plans of 100 and
1,000 actions, next to a bare Django view returning HTML of the same size.

Both go through the full middleware stack in-process (Django's test client, no
HTTP), in the same run, so the gap is what the ORM and the template cost.

The machine may be shared: beside the median wall time it prints the best wall time,
the CPU time of this process and of the PostgreSQL backend serving it (from
/proc/<pid>/schedstat), and the load average, so runs under load can be compared.

    make bench            # PostgreSQL database "safeguarding_bench"
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
os.environ.setdefault("AXES_ENABLED", "false")


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.goals import report  # noqa: E402
from boards.models import Board, Membership, Partnership, Role  # noqa: E402
from plans import page_cache  # noqa: E402
from plans.models import Action, BusinessPlan, Objective, PlanStatus, PriorityArea, ProgressUpdate  # noqa: E402

REQUESTS = {100: 40, 1000: 20}
BARE_BODY: dict[str, str] = {}


def bare_view(request):
    return HttpResponse(BARE_BODY["html"])


bench_urls = types.ModuleType("bench_urls")
bench_urls.urlpatterns = [path("bench/bare/", bare_view), path("", include("safeguarding.urls"))]
sys.modules["bench_urls"] = bench_urls


def build_plan(board: Board, n_actions: int, title: str = "") -> BusinessPlan:
    title = title or f"Bench plan {n_actions}"
    BusinessPlan.objects.filter(board=board, title=title).delete()
    plan = BusinessPlan.objects.create(
        board=board,
        title=title,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2028, 3, 31),
        # In force: the page members, executives and managers read day to day. (A manager's
        # view of a draft is measured too, below: it offers meeting decisions, so its frame
        # is drawn on every view.)
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
    actions = Action.objects.bulk_create(
        Action(
            objective=objectives[i % len(objectives)],
            position=i // len(objectives) + 1,
            description=f"Implement and embed a robust multi-agency approach, step {i}",
            lead_role="Chair of Quality Assurance Sub-committee",
            due_date=datetime.date(2027, 3, 31),
        )
        for i in range(n_actions)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a, date=datetime.date(2026, 9, 30), text="Action plan reviewed at BPG; next report due."
        )
        for a in actions
    )
    return plan


HISTORY_ROWS = (1_000, 76_000)


def grow_progress_history(plan: BusinessPlan, total: int) -> None:
    """Make the plan's progress notes have ``total`` history rows (as a plan edited for years
    would), written directly: the bench's notes were bulk-created without history."""
    historical = ProgressUpdate.history.model
    notes = list(ProgressUpdate.objects.filter(action__objective__priority_area__plan=plan))
    have = historical.objects.filter(action__objective__priority_area__plan=plan).count()
    now = timezone.now()
    fields = [field.attname for field in ProgressUpdate._meta.concrete_fields]
    rows = [
        historical(
            **{name: getattr(notes[i % len(notes)], name) for name in fields},
            history_date=now,
            history_type="~",
        )
        for i in range(max(total - have, 0))
    ]
    historical.objects.bulk_create(rows, batch_size=5000)


def settle_database() -> None:
    """VACUUM ANALYZE after the bulk writes, as a database in use has been: otherwise
    autovacuum works through the new rows while the next figures are taken."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _backend_cpu_ns() -> int | None:
    """CPU time of this connection's PostgreSQL backend so far (ns), from /proc when the
    server runs on this machine: the database's share of a request, which wall time on a
    shared machine hides among other processes' waits."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError, Exception):
        return None


@dataclass
class Figures:
    """One page measured: medians per request (the median, not the mean: on a shared
    machine a few requests wait for the CPU), and the best wall time (timeit's reading:
    the closest this run came to a quiet machine)."""

    queries: int
    wall_ms: float
    best_ms: float
    cpu_ms: float  # this process (Django, templates, psycopg, redis-py)
    db_cpu_ms: float | None  # the PostgreSQL backend serving it, summed over the run / n
    size: int

    @property
    def total_cpu_ms(self) -> float:
        return self.cpu_ms + (self.db_cpu_ms or 0.0)


def _median_figures(runs: list[Figures]) -> Figures:
    """Each figure's median over runs of the same measurement (queries: the most seen)."""
    return Figures(
        queries=max(run.queries for run in runs),
        wall_ms=statistics.median(run.wall_ms for run in runs),
        best_ms=min(run.best_ms for run in runs),
        cpu_ms=statistics.median(run.cpu_ms for run in runs),
        db_cpu_ms=statistics.median(run.db_cpu_ms for run in runs) if runs[0].db_cpu_ms is not None else None,
        size=runs[0].size,
    )


def measure(client: Client, url: str, n: int, before_each=None) -> Figures:
    """Time ``n`` requests of ``url`` (after one warm-up that counts the queries).
    CPU time is steadier than wall time on a shared machine, so both are kept."""
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    if before_each is not None:
        before_each()  # the counted request is one of those measured (cold: not cached)
    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    seconds, cpu = [], []
    db_started = _backend_cpu_ns()
    for _ in range(n):
        if before_each is not None:
            before_each()
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(url)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    db_ended = _backend_cpu_ns()
    db_cpu = (db_ended - db_started) / 1e6 / n if db_started is not None and db_ended is not None else None
    return Figures(
        queries=len(queries),
        wall_ms=1000 * statistics.median(seconds),
        best_ms=1000 * min(seconds),
        cpu_ms=1000 * statistics.median(cpu),
        db_cpu_ms=db_cpu,
        size=len(response.content),
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    partnership, _ = Partnership.objects.get_or_create(name="Bench", defaults={"slug": "bench"})
    board, _ = Board.objects.get_or_create(
        slug="bench-board",
        defaults={
            "partnership": partnership,
            "name": "Bench board",
            "short_name": "BB",
            "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        },
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-manager")
    Membership.objects.get_or_create(user=user, board=board, defaults={"role": Role.MANAGER})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    figures: dict[int, dict[str, Figures]] = {}
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs at the start")
    print(
        f"{'actions':>8} {'page':<12} {'queries':>8} {'ms/req':>8} {'best ms':>8} {'CPU ms':>7}"
        f" {'+ DB CPU':>8} {'KB':>6}"
    )
    with override_settings(ROOT_URLCONF="bench_urls", DEBUG=False):
        for n_actions, n_requests in REQUESTS.items():
            plan = build_plan(board, n_actions)
            # Statistics for the new rows, as a database in use has: on a database created
            # for this run the planner otherwise guesses (first runs measured 66-67 ms
            # uncached, 49 ms once analysed, 30 November).
            settle_database()
            # Cold: the rendered body is not cached (the first view after a change).
            cold = measure(client, plan.get_absolute_url(), n_requests, before_each=page_cache.clear)
            page_cache.clear()
            client.get(plan.get_absolute_url())  # renders and stores the body: the rest are cached
            cached = measure(client, plan.get_absolute_url(), n_requests * 2)
            BARE_BODY["html"] = "x" * cached.size
            bare = measure(client, "/bench/bare/", n_requests * 5)
            figures[n_actions] = {"cold": cold, "cached": cached, "bare": bare}
            for label, f in (("plan (cold)", cold), ("plan page", cached), ("bare view", bare)):
                db = f"{f.db_cpu_ms:8.1f}" if f.db_cpu_ms is not None else f"{'-':>8}"
                print(
                    f"{n_actions:>8} {label:<12} {f.queries:>8} {f.wall_ms:>8.1f} {f.best_ms:>8.1f}"
                    f" {f.cpu_ms:>7.1f} {db} {f.size / 1024:>6.0f}"
                )
        # A manager's view of a draft: the page offers the board's meeting decisions for its
        # approval, so it is drawn around the cached body on every view (plans.page_frame).
        BusinessPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT, approved_at=None)
        page_cache.clear()
        client.get(plan.get_absolute_url())
        draft = measure(client, plan.get_absolute_url(), n_requests * 2)
        print(
            f"{n_actions:>8} {'draft (mgr)':<12} {draft.queries:>8} {draft.wall_ms:>8.1f} {draft.best_ms:>8.1f}"
            f" {draft.cpu_ms:>7.1f} {draft.db_cpu_ms or 0:>8.1f} {draft.size / 1024:>6.0f}"
        )
        BusinessPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED, approved_at=timezone.now())
        # The cached page as the plan's history grows: its cost must not depend on history.
        # Two plans alike but for their history, measured in turns (ABABAB), so whatever the
        # machine or this process does meanwhile weighs on both alike.
        history_plans = {
            HISTORY_ROWS[0]: plan,
            HISTORY_ROWS[1]: build_plan(board, 1000, "Bench plan, long history"),
        }
        for history_rows, history_plan in history_plans.items():
            grow_progress_history(history_plan, history_rows)
        settle_database()
        runs: dict[int, list[Figures]] = {n: [] for n in HISTORY_ROWS}
        for _round in range(3):
            for history_rows, history_plan in history_plans.items():
                page_cache.clear()
                client.get(history_plan.get_absolute_url())
                runs[history_rows].append(
                    measure(client, history_plan.get_absolute_url(), REQUESTS[1000] * 2)
                )
        history = {n: _median_figures(found) for n, found in runs.items()}
        for history_rows, f in history.items():
            print(
                f"{1000:>8} cached, {history_rows:,} progress history rows: {f.wall_ms:.1f} ms"
                f" (best {f.best_ms:.1f}), {f.total_cpu_ms:.1f} ms CPU with PostgreSQL's, {f.queries} queries"
                " (median of 3 turns)"
            )
    load = f"load {os.getloadavg()[0]:.1f}"
    cold, cached, bare = (figures[1000][k] for k in ("cold", "cached", "bare"))
    report(
        "plan_uncached",
        f"{cold.wall_ms:.0f} ms (best {cold.best_ms:.0f}; CPU {cold.cpu_ms:.0f} + DB {cold.db_cpu_ms or 0:.0f}; {load})",
        cold.wall_ms <= 60,
    )
    report(
        "plan_cached",
        f"{cached.wall_ms:.1f} vs {bare.wall_ms:.1f} ms ({cached.wall_ms / bare.wall_ms:.1f}×;"
        f" CPU+DB {cached.total_cpu_ms / bare.total_cpu_ms:.1f}×)",
        cached.wall_ms <= 2 * bare.wall_ms,
    )
    print(
        f"  (a manager's view of a draft, frame drawn each view: {draft.wall_ms:.1f} ms,"
        f" {draft.wall_ms / bare.wall_ms:.1f}× the bare view)"
    )
    small, large = (history[n] for n in HISTORY_ROWS)
    # "Flat": the same queries, and CPU (this process and PostgreSQL's) within a fifth and a
    # millisecond of the small history's: what history could make grow is database work, and
    # CPU time shows it whatever else the machine is doing (wall time is printed beside it).
    flat = large.queries == small.queries and large.total_cpu_ms <= small.total_cpu_ms * 1.2 + 1
    report(
        "plan_history",
        f"{small.wall_ms:.1f} → {large.wall_ms:.1f} ms (CPU+DB {small.total_cpu_ms:.1f} → {large.total_cpu_ms:.1f})",
        flat,
    )


if __name__ == "__main__":
    main()
