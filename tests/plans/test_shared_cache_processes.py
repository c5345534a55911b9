"""Issue 18 (must show): a plan page rendered by one web process is served from the shared
cache by every other process, of the same gunicorn and of a second gunicorn standing in for
another host, both on the same PostgreSQL and Redis. Real processes, real Redis (a private
redis-server on a free port), production settings."""

from __future__ import annotations

import re
import threading
from collections import Counter

import pytest
import redis
from django.test import Client

from tests.celery_worker import test_database_url as database_url_for_servers
from tests.plans.conftest import make_board_plan
from tests.servers import PRODUCTION_ENV, fetch, private_redis, running_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

LOG_LINE = re.compile(r"plan body (hit|local|miss|rendered) pid=(\d+) key=(\S+)")


def cache_events(*logs) -> list[tuple[str, str, str]]:
    return [match.groups() for log in logs for match in LOG_LINE.finditer(log.read_text())]


def test_a_plan_rendered_by_one_process_is_served_by_every_other_on_both_hosts(people, settings, tmp_path):
    settings.SECRET_KEY = PRODUCTION_ENV["SECRET_KEY"]  # the servers accept this session
    plan = make_board_plan(people.board, chair=people.chair).plan
    client = Client()
    client.force_login(people.member)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    path = plan.get_absolute_url()
    host_a, host_b = tmp_path / "host-a.log", tmp_path / "host-b.log"
    with private_redis() as (redis_url, _server):
        shared = {"REDIS_URL": redis_url, "PAGE_CACHE_LOG_LEVEL": "DEBUG"}
        with (
            running_gunicorn(
                database_url_for_servers(), workers=2, log_file=host_a, HEAVY_RENDER_HOST="a", **shared
            ) as a,
            running_gunicorn(
                database_url_for_servers(), workers=2, log_file=host_b, HEAVY_RENDER_HOST="b", **shared
            ) as b,
        ):
            status, first = fetch(a + path, cookies, timeout=90)
            assert status == 200 and "Establish Professional Child Protection User Group" in first
            statuses: list[int] = []

            def load(base: str) -> None:
                for _ in range(6):
                    # A worker's first request loads the app: slow on a busy machine.
                    status, body = fetch(base + path, cookies, timeout=90)
                    statuses.append(status)
                    assert body.split("<main")[1] == first.split("<main")[1]

            # Concurrent clients, so that every worker of both groups takes requests.
            threads = [threading.Thread(target=load, args=[base]) for base in (a, a, a, b, b, b)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            server = redis.Redis.from_url(redis_url)
            stats = server.info("commandstats")
            kept_keys = {prefix: server.keys(f"*{prefix}*") for prefix in ("plan-body:", "plan-frame:")}
    assert statuses == [200] * 36
    events = cache_events(host_a, host_b)
    rendered = [pid for kind, pid, _ in events if kind == "rendered"]
    assert len(rendered) == 1, events  # one render for 37 views
    # "hit": read from the shared cache; "local": the process's own copy of a body it read
    # (or rendered) before, under the same key (plans.page_cache.local_bodies).
    from_shared = Counter(pid for kind, pid, _ in events if kind == "hit")
    served = Counter(pid for kind, pid, _ in events if kind in ("hit", "local"))
    pids_a = {pid for kind, pid, _ in cache_events(host_a)}
    pids_b = {pid for kind, pid, _ in cache_events(host_b)}
    assert pids_b and not pids_a & pids_b
    others = (pids_a | pids_b) - set(rendered)
    assert len(others) >= 3, f"requests reached only {pids_a | pids_b}"
    # Every other process, on both hosts, got the body from the shared cache.
    assert all(from_shared[pid] for pid in others), from_shared
    assert sum(served.values()) == 36
    assert {kind for kind, _pid, _ in events} <= {"miss", "rendered", "hit", "local"}
    # Redis agrees: one render claimed, one body written and its family's pointer to the
    # newest version (three SETs), plus the page around the body (plans.page_frame), kept
    # once, or once by each process whose first view missed it while another drew it;
    # and the body was read by each other process (the first view's miss and the claim's
    # wait may read it too).
    assert 4 <= stats["cmdstat_set"]["calls"] <= 3 + len(others | set(rendered))
    assert len(kept_keys["plan-body:"]) == 1 and len(kept_keys["plan-frame:"]) == 1
    assert stats["cmdstat_get"]["calls"] >= len(others) + 1
