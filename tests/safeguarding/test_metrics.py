"""/metrics (safeguarding.metrics_view): off by default, then only for allowed addresses;
request latency by view, Celery queue depth, task durations and failures, pack render
seconds and pages, and import rows."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings as django_settings
from prometheus_client import REGISTRY

from safeguarding.celery import app
from safeguarding.metrics import IMPORT_ROWS, PACK_PAGES, PACK_RENDER_SECONDS

pytestmark = pytest.mark.django_db

PROMETHEUS_MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    *django_settings.MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]


@pytest.fixture
def metrics_on(settings):
    """As METRICS_ENABLED=true would set them (settings.py)."""
    settings.METRICS_ENABLED = True
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1/32", "10.1.0.0/16"]
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_prometheus"]
    settings.MIDDLEWARE = PROMETHEUS_MIDDLEWARE


def test_metrics_are_not_served_unless_enabled(client, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_only_allowed_addresses_see_metrics(client, metrics_on):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 404
    assert client.post("/metrics", REMOTE_ADDR="127.0.0.1").status_code in (404, 405)


def test_behind_a_trusted_proxy_the_forwarded_client_is_checked(client, metrics_on, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", **forwarded).status_code == 404


def test_request_latency_is_labelled_by_view(client, metrics_on):
    client.get("/healthz/")
    client.get("/accounts/login/")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").text
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="login"}' in text


def test_queue_depth_is_read_from_the_broker(client, metrics_on, settings):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = "metrics-test-queue"
    settings.METRICS_CELERY_QUEUES = [queue]
    broker.delete(queue)
    broker.rpush(queue, "a", "b", "c")
    try:
        text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").text
    finally:
        broker.delete(queue)
    assert f'safeguarding_celery_queue_length{{queue="{queue}"}} 3.0' in text
    assert "safeguarding_celery_broker_up 1.0" in text


def test_an_unreachable_broker_is_reported_down(client, metrics_on, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").text
    assert "safeguarding_celery_broker_up 0.0" in text


@app.task(name="tests.metrics_fails")
def fails() -> None:
    raise RuntimeError("broken on purpose")


def test_task_durations_and_failures_are_counted(client, metrics_on):
    def sample(name: str, labels: dict) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    runs = sample("safeguarding_celery_task_seconds_count", {"task": "safeguarding.ping"})
    failures = sample("safeguarding_celery_task_failures_total", {"task": "tests.metrics_fails"})
    assert app.tasks["safeguarding.ping"].apply().get() == "pong"
    fails.apply()
    assert sample("safeguarding_celery_task_seconds_count", {"task": "safeguarding.ping"}) == runs + 1
    assert sample("safeguarding_celery_task_failures_total", {"task": "tests.metrics_fails"}) == failures + 1
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").text
    assert 'safeguarding_celery_task_seconds_count{task="safeguarding.ping"}' in text


def test_pack_and_import_metrics_are_exported(client, metrics_on):
    PACK_RENDER_SECONDS.observe(12.5)
    PACK_PAGES.observe(257)
    IMPORT_ROWS.labels(kind="plan").inc(40)
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").text
    for name in ("safeguarding_pack_render_seconds_count", "safeguarding_pack_pages_sum"):
        assert name in text
    assert 'safeguarding_import_rows_total{kind="plan"}' in text
