"""Issue 18 (must show): one shared cache for every web process and host.

Starts two gunicorn groups on the same PostgreSQL and Redis: "host a" with 4 workers and
"host b" (a second host, simulated) with --host-b-workers, both with the production
settings, plus a Celery worker. Then:

1. one request to host a renders the 1,000-action plan page;
2. --clients clients spread over both hosts view the plan for --seconds while a chair
   updates one of its actions every --post-every seconds (each update changes the plan,
   so the next view renders it again, once);

and prints, from each process's own log (plans.page_cache at DEBUG: hit, miss, waited
for another process's render, rendered, with the process id), which process rendered the plan and how many views every other
process served from the shared cache, the hit rate, the renders per plan version, and
Redis's own count of bodies written and read as a cross-check.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_load_bench .venv/bin/python bench/shared_cache.py

Redis is a private redis-server started on a free loopback port and stopped after.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # bench/load.py: data, servers and clients

LOG_LINE = re.compile(r"plan body (hit|miss|rendered|waited|previous) pid=(\d+) key=plan-body:(\d+):v(\d+):")


def start_group(name: str, workers: int, log: Path) -> tuple[subprocess.Popen, int]:
    port = load.free_port()
    handle = open(log, "w")  # noqa: SIM115 (the server writes to it until stopped)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "safeguarding.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=load.ROOT,
        env=load.server_env({"PAGE_CACHE_LOG_LEVEL": "DEBUG", "HEAVY_RENDER_HOST": name}),
        stdout=subprocess.DEVNULL,
        stderr=handle,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if load.request(port, "GET", "/healthz/", "", timeout=2)[0] == 200:
                return process, port
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn {name} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)


def events(log: Path) -> list[tuple[str, str, int]]:
    return [(m.group(1), m.group(2), int(m.group(4))) for m in LOG_LINE.finditer(log.read_text())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--host-b-workers", type=int, default=2)
    parser.add_argument("--post-every", type=float, default=5.0)
    args = parser.parse_args()
    redis_server, os.environ["REDIS_URL"] = load.start_redis()
    load.setup_django()
    scene = load.build_scene(hammer_clients=0)
    usernames = ["bench-chair", *load.MEASURED_USERS]
    scene.cookies = load.sign_in_cookies(usernames)
    logs = Path(tempfile.mkdtemp(prefix="shared-cache-"))
    worker = load.start_worker(load.ROOT)
    host_a, port_a = start_group("host-a", 4, logs / "host-a.log")
    host_b, port_b = start_group("host-b", args.host_b_workers, logs / "host-b.log")
    plan = f"/plans/{scene.plan_pk}/"
    member = scene.cookies[load.MEASURED_USERS[0]]
    try:
        started = time.perf_counter()
        status, _ = load.request(port_a, "GET", plan, member, timeout=120)
        print(
            f"first view, host a: {status} in {(time.perf_counter() - started) * 1000:.0f} ms (renders the plan)"
        )
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).config_resetstat()
        samples: list[load.Sample] = []
        stop_at = time.monotonic() + args.seconds
        clients = [
            load.Client(
                "plan page",
                [port_a, port_b][n % 2 :: 1] + [port_a, port_b][: n % 2],
                _get(plan, member),
                stop_at,
                samples,
            )
            for n in range(args.clients)
        ]
        csrf = scene.cookies["bench-chair"].split("csrftoken=")[1]
        posts = {"n": 0}

        def next_post():
            posts["n"] += 1
            action = scene.led_action_pks[posts["n"] % len(scene.led_action_pks)]
            body = load.quick_update_body(action, csrf, f"Shared-cache bench note {posts['n']}")
            return "POST", f"/plans/actions/{action}/update/", scene.cookies["bench-chair"], body

        clients.append(
            load.Client("action update (POST)", [port_b], next_post, stop_at, samples, pause=args.post_every)
        )
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        stats = redis.Redis.from_url(os.environ["REDIS_URL"]).info("commandstats")
    finally:
        for process in (host_a, host_b, worker):
            load.stop(process)
        load.stop(redis_server)

    by_host = {
        "host a (4 workers)": events(logs / "host-a.log"),
        f"host b ({args.host_b_workers} workers)": events(logs / "host-b.log"),
    }
    first_render = next(pid for kind, pid, _ in by_host["host a (4 workers)"] if kind == "rendered")
    print(f"\nthe first render was made by host a, pid {first_render}")
    print(f"{'host':<20} {'pid':>8} {'views':>6} {'hits':>6} {'waited':>7} {'renders':>8} {'hit rate':>9}")
    totals = Counter()
    renders_per_version: dict[int, int] = defaultdict(int)
    first_version = min(v for host in by_host.values() for _, _, v in host)
    for host, rows in by_host.items():
        per_pid: dict[str, Counter] = defaultdict(Counter)
        for kind, pid, version in rows:
            per_pid[pid][kind] += 1
            if kind == "rendered":
                renders_per_version[version] += 1
        for pid, counts in sorted(per_pid.items()):
            views = counts["hit"] + counts["miss"]
            totals.update(counts)
            rate = counts["hit"] / views if views else 0
            print(
                f"{host:<20} {pid:>8} {views:>6} {counts['hit']:>6} {counts['waited']:>7} "
                f"{counts['rendered']:>8} {rate:>9.1%}"
            )
    views = totals["hit"] + totals["miss"]
    first_version_views = [
        (pid, kind)
        for rows in by_host.values()
        for kind, pid, v in rows
        if v == first_version and kind != "rendered"
    ]
    others = {pid for pid, _ in first_version_views if pid != first_render}
    served = {pid for pid, kind in first_version_views if kind == "hit" and pid != first_render}
    print(
        f"\nviews {views}, from the shared cache {totals['hit']}: hit rate {totals['hit'] / max(views, 1):.1%}; "
        f"{totals['waited']} more waited for another process's render and {totals['previous']} got the"
        f" version before while it was drawn: served without rendering "
        f"{(totals['hit'] + totals['waited'] + totals['previous']) / max(views, 1):.1%}"
    )
    print(
        f"plan versions seen {len(renders_per_version)}, renders per version: {dict(sorted(renders_per_version.items()))}"
    )
    print(
        f"the first version, rendered once by pid {first_render}: served from the cache by "
        f"{len(served)} of the {len(others)} other processes that showed it"
    )
    plan_rows = [s for s in samples if s.stream == "plan page"]
    times = [s.seconds * 1000 for s in plan_rows]
    print(
        f"plan page over both hosts: {len(plan_rows) / args.seconds:.1f} req/s, p50 {load.percentile(times, 50):.0f} ms, "
        f"p95 {load.percentile(times, 95):.0f} ms, p99 {load.percentile(times, 99):.0f} ms; "
        f"{sum(1 for s in samples if s.stream.startswith('action'))} updates"
    )
    print(
        f"Redis (after the first view): {stats.get('cmdstat_set', {}).get('calls', 0)} SET (bodies written, "
        f"rate-limit and job keys), {stats.get('cmdstat_get', {}).get('calls', 0)} GET"
    )
    print(f"logs: {logs}")


def _get(path: str, cookie: str):
    return lambda: ("GET", path, cookie, None)


if __name__ == "__main__":
    main()
