"""Load test (issue 15 point 2; issue 18's shared-cache check with --hosts 2).

Runs gunicorn with the production settings (DEBUG off) and the project's gunicorn.conf.py
(3 gthread workers) on PostgreSQL and Redis, a Celery worker, and drives it from Python
threads over loopback HTTP (keep-alive connections, one per client). Prints requests/s
and p50/p95/p99 per stream:

- plan page: the 1,000-action plan, as a member (2 clients);
- My actions: a chair who leads 40 of its actions (1 client);
- action update: the chair's quick-update POST on those actions, one every
  --post-every seconds (a busy board, not a script: each write changes the plan, so the
  next plan page and export are made again);
- export: the plan as an Excel workbook, as a member (1 client);
- /healthz/ (1 client);

while --hammer clients (default 8), each a different member, loop without pause on the
heaviest endpoints a member can reach: the plan's Word, Excel and CSV exports, a board
report's PDF, the framework's PDF, and the plan page with filters.

Bounded: --seconds of load (default 60) after a warm-up, 10 s timeout per request,
everything on 127.0.0.1. The targets (issue 15): /healthz/ and plan page p95 < 200 ms.
It also prints each heavy endpoint's answers, and the CPU the load client itself used
(it shares the machine with the server it measures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_load_bench .venv/bin/python bench/load.py

Redis is a private redis-server the bench starts on a free loopback port and stops.

--app-dir runs the server from another checkout (the "before" figures: a worktree of the
commit before the change; the data is made by this checkout, on the same schema), with
that checkout's gunicorn.conf.py if it has one (sync workers if not); --worker-class
overrides it.
bench/shared_cache.py reuses these pieces for issue 18's check across two gunicorn groups.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import resource
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_load")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-that-is-long-and-random-enough-7c1f0e9a2b",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": "http://127.0.0.1",
    # Plain HTTP on loopback: no redirect to HTTPS. Everything else as in production.
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "AXES_ENABLED": "false",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "WARNING",
}
TARGET_MS = 200
N_ACTIONS = 1000
LED_ACTIONS = 40
MEASURED_USERS = ["bench-member-a", "bench-member-b", "bench-member-c"]


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    # Sessions made here must be valid for the servers: the same key signs them.
    os.environ["SECRET_KEY"] = PRODUCTION_ENV["SECRET_KEY"]
    ensure_database()
    import django

    django.setup()


# --- Data ---------------------------------------------------------------------------


@dataclass
class Scene:
    plan_pk: int
    led_action_pks: list[int]
    report_pk: int | None
    framework_pk: int | None
    cookies: dict[str, str] = field(default_factory=dict)  # username -> Cookie header


def build_scene(hammer_clients: int) -> Scene:
    """The board, its 1,000-action plan (approved), a chair leading 40 actions, members,
    a board report and a framework. Made once, reused by later runs."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Count

    from boards.models import Board, Membership, Partnership, Role, SubCommittee
    from plans.models import Action, BusinessPlan, Objective, PriorityArea, ProgressUpdate

    call_command("migrate", verbosity=0)
    partnership, _ = Partnership.objects.get_or_create(name="Load bench", defaults={"slug": "load-bench"})
    board, _ = Board.objects.get_or_create(
        slug="load-bench-board",
        defaults={
            "partnership": partnership,
            "name": "Load bench board",
            "short_name": "LBB",
            "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        },
    )
    users = get_user_model().objects
    chair, _ = users.get_or_create(
        username="bench-chair", defaults={"first_name": "Bench", "last_name": "Chair"}
    )
    Membership.objects.get_or_create(user=chair, board=board, defaults={"role": Role.CHAIR})
    members = [f"bench-hammer-{n}" for n in range(hammer_clients)] + MEASURED_USERS
    for username in members:
        user, _ = users.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, board=board, defaults={"role": Role.MEMBER})
    sub_committee, _ = SubCommittee.objects.get_or_create(
        board=board, name="Quality Assurance Sub-committee", defaults={"chair": chair}
    )
    plan = (
        BusinessPlan.objects.filter(board=board, title="Load bench plan")
        .annotate(n=Count("priority_areas__objectives__actions"))
        .first()
    )
    if plan is None or plan.n != N_ACTIONS:
        BusinessPlan.objects.filter(board=board, title="Load bench plan").delete()
        plan = BusinessPlan.objects.create(
            board=board,
            title="Load bench plan",
            period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2028, 3, 31),
            status=BusinessPlan.Status.APPROVED,
            approved_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
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
                lead_sub_committee=sub_committee if i < LED_ACTIONS else None,
                due_date=datetime.date(2027, 3, 31),
                status="in_progress",
                rag="green",
            )
            for i in range(N_ACTIONS)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=a,
                date=datetime.date(2026, 9, 30),
                text="Action plan reviewed at BPG; next report due.",
            )
            for a in actions
        )
    led = list(
        Action.objects.filter(objective__priority_area__plan=plan, lead_sub_committee=sub_committee)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return Scene(
        plan_pk=plan.pk,
        led_action_pks=led,
        report_pk=_board_report(board),
        framework_pk=_framework(partnership, board),
    )


def _board_report(board) -> int | None:
    try:
        from meetings.models import BoardReport
    except ImportError:
        return None
    report, _ = BoardReport.objects.get_or_create(
        board=board,
        title="Load bench report",
        defaults={"report_of": "Board manager", "purpose": "To tell the board how the plan is going. " * 20},
    )
    return report.pk


def _framework(partnership, board) -> int | None:
    """The framework of cooperation, wherever this checkout keeps it (boards or frameworks)."""
    for module in ("frameworks.models", "boards.frameworks"):
        try:
            models = __import__(module, fromlist=["Framework"])
        except ImportError:
            continue
        framework = models.Framework.objects.filter(partnership=partnership).first()
        if framework is None:
            try:
                framework = models.Framework.objects.create(
                    partnership=partnership, title="Load bench framework"
                )
                models.FrameworkBoard.objects.create(framework=framework, board=board)
            except Exception as error:  # a checkout whose framework needs more: leave it out
                print(f"(no framework PDF in the hammer: {error})")
                return None
        # Members see a framework only once their board has consented to it (else 404).
        consent = getattr(models, "Consent", None)
        if consent is not None:
            models.FrameworkBoard.objects.filter(framework=framework, board=board).update(
                consent=consent.GIVEN
            )
        return framework.pk
    return None


def sign_in_cookies(usernames: list[str]) -> dict[str, str]:
    """A signed-in session (and a CSRF secret) per user, made in the database the server uses."""
    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    cookies = {}
    for username in usernames:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        csrf = _get_new_csrf_string()
        cookies[username] = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    return cookies


# --- Servers ------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **PRODUCTION_ENV, **(extra or {})}


def gunicorn_args(workers: int, worker_class: str | None) -> list[str]:
    """gunicorn's command line as in production (the Dockerfile's CMD): run from the checkout,
    it reads that checkout's gunicorn.conf.py."""
    args = [sys.executable, "-m", "gunicorn", "safeguarding.wsgi", "--workers", str(workers)]
    return args + (["--worker-class", worker_class] if worker_class else [])


def gunicorn_config(app_dir: Path, workers: int, worker_class: str | None) -> str:
    """What the server will run, as gunicorn reads it: "3 gthread workers × 8 threads"."""
    printed = subprocess.run(
        [*gunicorn_args(workers, worker_class), "--print-config"],
        cwd=app_dir,
        env=server_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    config = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in printed.splitlines())
    )
    text = f"{config['workers']} {config['worker_class']} workers"
    return text + (f" × {config['threads']} threads" if config["worker_class"] == "gthread" else "")


def start_gunicorn(
    app_dir: Path, workers: int, extra: dict[str, str] | None = None, worker_class: str | None = None
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [*gunicorn_args(workers, worker_class), "--bind", f"127.0.0.1:{port}"],
        cwd=app_dir,
        env=server_env(extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _ = request(port, "GET", "/healthz/", "", timeout=2)
            if status == 200:
                return process, port
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.3)


def start_redis() -> tuple[subprocess.Popen, str]:
    """A private redis-server on a free loopback port (no persistence), so the bench never
    shares queues or cache with the machine's Redis."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    import socket

    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def start_worker(app_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "safeguarding",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
        ],
        cwd=app_dir,
        env=server_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and its children, living or reaped (gunicorn
    replaces workers after max_requests: the master's cutime/cstime keep theirs)."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(stat_pid: int | str) -> list[str]:
        with open(f"/proc/{stat_pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()

    own = fields(pid)
    total = sum(int(value) for value in own[11:15])  # utime stime cutime cstime
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                child = fields(entry)
            except OSError:
                continue
            if int(child[1]) == pid:  # ppid
                total += int(child[11]) + int(child[12]) + int(child[13]) + int(child[14])
    return total / tick


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- Clients ------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, cookie: str, body: str | None = None, timeout: float = 10, conn=None
) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Host": "127.0.0.1", "Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data
    finally:
        if own:
            conn.close()


@dataclass
class Sample:
    stream: str
    status: int
    seconds: float
    path: str = ""


class Client(threading.Thread):
    """One client: a keep-alive connection, looping on its requests until ``stop_at``."""

    def __init__(self, stream: str, ports: list[int], next_request, stop_at: float, samples: list, pause=0.0):
        super().__init__(daemon=True)
        self.stream, self.ports, self.next_request = stream, ports, next_request
        self.stop_at, self.samples, self.pause = stop_at, samples, pause

    def run(self) -> None:
        connections = {port: None for port in self.ports}
        turn = 0
        while time.monotonic() < self.stop_at:
            port = self.ports[turn % len(self.ports)]
            turn += 1
            method, path, cookie, body = self.next_request()
            if connections[port] is None:
                connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            started = time.perf_counter()
            try:
                status, _ = request(port, method, path, cookie, body, conn=connections[port])
            except (OSError, http.client.HTTPException):
                status = 0  # timeout or reset: counted, and the connection made again
                connections[port].close()
                connections[port] = None
            self.samples.append(Sample(self.stream, status, time.perf_counter() - started, path))
            if self.pause:
                time.sleep(self.pause)


def quick_update_body(action_pk: int, csrf: str, note: str) -> str:
    from plans.models import Action

    version = Action.objects.values_list("version", flat=True).get(pk=action_pk)
    prefix = f"action-{action_pk}"
    return urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf,
            f"{prefix}-text": note,
            f"{prefix}-status": "in_progress",
            f"{prefix}-rag": "green",
            f"{prefix}-based_on_version": version,
        }
    )


def run_load(scene: Scene, ports: list[int], seconds: float, hammer: int, post_every: float) -> list[Sample]:
    samples: list[Sample] = []
    stop_at = time.monotonic() + seconds
    plan = f"/plans/{scene.plan_pk}/"
    cookies = scene.cookies
    heavy = [
        f"/plans/{scene.plan_pk}/export.docx",
        f"/plans/{scene.plan_pk}/export.xlsx",
        f"/plans/{scene.plan_pk}/export.csv",
        f"{plan}?status=in_progress",
        f"{plan}?rag=green&area=3",
    ]
    if scene.report_pk:
        heavy.append(f"/meetings/reports/{scene.report_pk}/report.pdf")
    if scene.framework_pk:
        heavy.append(f"/frameworks/{scene.framework_pk}/framework.pdf")
    clients = []
    for n in range(hammer):
        cookie = cookies[f"bench-hammer-{n}"]
        order = heavy[n % len(heavy) :] + heavy[: n % len(heavy)]  # clients start at different files
        positions = {"i": 0}

        def next_heavy(order=order, cookie=cookie, positions=positions):
            path = order[positions["i"] % len(order)]
            positions["i"] += 1
            return "GET", path, cookie, None

        clients.append(Client("hammer (heavy)", ports, next_heavy, stop_at, samples))
    member_a, member_b, member_c = (cookies[u] for u in MEASURED_USERS)
    clients += [
        Client("plan page", ports, lambda: ("GET", plan, member_a, None), stop_at, samples),
        Client("plan page", ports[::-1], lambda: ("GET", plan, member_b, None), stop_at, samples),
        Client(
            "My actions",
            ports,
            lambda: ("GET", "/plans/my-actions/", cookies["bench-chair"], None),
            stop_at,
            samples,
        ),
        Client(
            "export",
            ports,
            lambda: ("GET", f"/plans/{scene.plan_pk}/export.xlsx", member_c, None),
            stop_at,
            samples,
        ),
        Client("/healthz/", ports, lambda: ("GET", "/healthz/", "", None), stop_at, samples),
    ]
    chair_cookie = cookies["bench-chair"]
    csrf = chair_cookie.split("csrftoken=")[1]
    posts = {"n": 0}

    def next_post():
        posts["n"] += 1
        action_pk = scene.led_action_pks[posts["n"] % len(scene.led_action_pks)]
        body = quick_update_body(action_pk, csrf, f"Bench note {posts['n']} {random.random():.6f}")
        return "POST", f"/plans/actions/{action_pk}/update/", chair_cookie, body

    clients.append(Client("action update (POST)", ports, next_post, stop_at, samples, pause=post_every))
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return samples


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(samples: list[Sample], seconds: float, label: str) -> dict[str, dict]:
    by_stream: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_stream[sample.stream].append(sample)
    order = ["plan page", "My actions", "action update (POST)", "export", "/healthz/", "hammer (heavy)"]
    print(f"\n{label}: {seconds:.0f} s of load, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'stream':<22} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    figures = {}
    for stream in order:
        rows = by_stream.get(stream, [])
        times = [s.seconds * 1000 for s in rows]
        statuses = Counter(s.status for s in rows)
        figures[stream] = {
            "requests": len(rows),
            "rate": len(rows) / seconds,
            "p50": percentile(times, 50),
            "p95": percentile(times, 95),
            "p99": percentile(times, 99),
            "statuses": dict(statuses),
        }
        f = figures[stream]
        status_text = " ".join(f"{code}×{count}" for code, count in sorted(statuses.items()))
        print(
            f"{stream:<22} {f['requests']:>8} {f['rate']:>7.1f} {f['p50']:>8.0f} {f['p95']:>8.0f} {f['p99']:>8.0f}  {status_text}"
        )
    print("\nthe heavy endpoints (hammer):")
    by_path: dict[str, list[Sample]] = defaultdict(list)
    for sample in by_stream.get("hammer (heavy)", []):
        by_path[sample.path].append(sample)
    for path, rows in sorted(by_path.items()):
        statuses = Counter(s.status for s in rows)
        status_text = " ".join(f"{code}×{count}" for code, count in sorted(statuses.items()))
        p50 = percentile([s.seconds * 1000 for s in rows], 50)
        print(f"  {path:<40} {len(rows):>5} requests, p50 {p50:>6.0f} ms  {status_text}")
    for stream in ("/healthz/", "plan page"):
        p95 = figures[stream]["p95"]
        verdict = "met" if p95 < TARGET_MS else "NOT met"
        print(f"goal: {stream} p95 < {TARGET_MS} ms: {p95:.0f} ms, {verdict}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--hammer", type=int, default=8)
    parser.add_argument("--post-every", type=float, default=2.0, help="seconds between action updates")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout the servers run from")
    parser.add_argument(
        "--worker-class", help="gunicorn worker class (default: the checkout's gunicorn.conf.py, else sync)"
    )
    parser.add_argument("--label", default="load")
    args = parser.parse_args()
    redis_server, os.environ["REDIS_URL"] = start_redis()
    setup_django()
    scene = build_scene(args.hammer)
    usernames = ["bench-chair", *MEASURED_USERS, *(f"bench-hammer-{n}" for n in range(args.hammer))]
    scene.cookies = sign_in_cookies(usernames)
    config = gunicorn_config(args.app_dir, args.workers, args.worker_class)
    print(f"app: {args.app_dir} · gunicorn {config} · 1 Celery worker · {os.environ['DATABASE_URL']}")
    worker = start_worker(args.app_dir)
    web, port = start_gunicorn(args.app_dir, args.workers, worker_class=args.worker_class)
    try:
        run_load(scene, [port], args.warmup, args.hammer, args.post_every)  # warm-up, not counted
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        web_before, worker_before = tree_cpu_seconds(web.pid), tree_cpu_seconds(worker.pid)
        samples = run_load(scene, [port], args.seconds, args.hammer, args.post_every)
        web_cpu = tree_cpu_seconds(web.pid) - web_before
        worker_cpu = tree_cpu_seconds(worker.pid) - worker_before
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        report(samples, args.seconds, args.label)
        client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        print(
            f"CPU seconds in the {args.seconds:.0f} s (the machine has {os.cpu_count()} cores): "
            f"gunicorn {web_cpu:.1f} ({1000 * web_cpu / max(len(samples), 1):.1f} ms a request), "
            f"Celery worker {worker_cpu:.1f}, load client {client_cpu:.1f}"
        )
    finally:
        stop(web)
        stop(worker)
        stop(redis_server)


if __name__ == "__main__":
    main()
