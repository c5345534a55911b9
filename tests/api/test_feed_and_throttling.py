"""The Power BI feeds (one flat row per action of the board's plans in force) and the
per-token rate limit, counted in the real Redis; with Redis down the API goes on."""

from __future__ import annotations

import csv
import io
import logging
import os

import pytest
from django.core.cache import caches
from django.urls import reverse

from api.throttling import PerTokenRateThrottle
from plans.models import Action
from tests.api.conftest import api_client, make_token
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_json_feed_has_a_row_per_action_in_force(people, own_world, other_world):
    client = api_client(make_token(people.member, [people.board]))
    response = client.get(reverse("api:feed_json", args=[people.board.slug]))
    assert response.status_code == 200
    rows = response.json()
    led, unled = own_world.plan.led, own_world.plan.unled
    assert [row["action_id"] for row in rows] == [led.pk, unled.pk]
    first = rows[0]
    assert first["board"] == people.board.short_name
    assert first["plan"] == own_world.plan.plan.title
    assert first["reference"] == f"A-{led.pk}"
    assert first["lead_sub_committee"] == "Quality Assurance Sub-committee"
    assert (first["status"], first["rag"], first["overdue"]) == ("in_progress", "green", False)
    assert first["due_date"] == "2026-12-31" and first["original_due_date"] == "2026-12-31"
    assert first["latest_progress"] == "User group to be established."
    assert first["latest_progress_date"] == "2026-09-30"
    assert other_world.plan.plan.title not in response.content.decode()


def test_csv_feed_is_excel_and_power_bi_ready_and_guards_formulas(people, own_world):
    Action.objects.filter(pk=own_world.plan.unled.pk).update(description='=HYPERLINK("http://x")')
    client = api_client(make_token(people.member, [people.board]))
    response = client.get(reverse("api:feed_csv", args=[people.board.slug]), HTTP_ACCEPT="*/*")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'inline; filename="{people.board.slug}-actions.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 2
    assert rows[0]["reference"] == f"A-{own_world.plan.led.pk}"
    assert rows[1]["action"] == '\'=HYPERLINK("http://x")'
    # Asking for JSON does not change the CSV feed's format (it is in the address).
    assert client.get(reverse("api:feed_csv", args=[people.board.slug]), HTTP_ACCEPT="application/json")[
        "Content-Type"
    ].startswith("text/csv")


def test_feed_errors_are_json(people, own_world):
    response = api_client(None).get(reverse("api:feed_csv", args=[people.board.slug]))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_feed_of_a_board_with_no_plan_in_force_is_empty(people):
    client = api_client(make_token(people.member, [people.board]))
    assert client.get(reverse("api:feed_json", args=[people.board.slug])).json() == []
    text = client.get(reverse("api:feed_csv", args=[people.board.slug])).content.decode()
    assert text.strip().removeprefix("\ufeff").startswith("board,plan_id,plan,")


@pytest.fixture
def real_redis_throttle(settings, monkeypatch):
    """The "api" cache on the Redis of this test run (REDIS_URL), a key prefix of its own."""
    settings.CACHES = {
        **settings.CACHES,
        "api": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
            "KEY_PREFIX": f"api-test-{os.getpid()}",
        },
    }
    monkeypatch.setattr(PerTokenRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    caches["api"].clear()
    yield
    caches["api"].clear()


def test_rate_limit_per_token_in_redis(people, own_world, real_redis_throttle):
    first = api_client(make_token(people.member, [people.board]))
    second = api_client(make_token(people.member, [people.board]))
    address = reverse("api:plans")
    assert [first.get(address).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(address)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # The count is per token, and it is in Redis (shared by every process), not in memory.
    assert second.get(address).status_code == 200
    assert any(key for key in caches["api"]._cache.get_client().keys("*throttle_token_*"))


def test_with_redis_down_the_api_goes_on(people, own_world, settings, monkeypatch, caplog):
    settings.CACHES = {
        **settings.CACHES,
        # Nothing listens on port 1: the connection is refused at once.
        "api": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    monkeypatch.setattr(PerTokenRateThrottle, "THROTTLE_RATES", {"token": "1/min"})
    client = api_client(make_token(people.chair, [people.board]))
    with caplog.at_level(logging.WARNING):
        assert [client.get(reverse("api:plans")).status_code for _ in range(3)] == [200, 200, 200]
        response = client.post(
            reverse("api:progress_updates", args=[own_world.plan.led.pk]),
            {"text": "Written while Redis was down."},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert "api-throttle-unavailable" in caplog.text


def test_pages_are_paginated(people, own_world):
    for n in range(3):
        ActionFactory(objective=own_world.plan.objective, position=50 + n)
    client = api_client(make_token(people.member, [people.board]))
    page = client.get(reverse("api:actions") + "?page_size=2").json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    last = client.get(reverse("api:actions") + "?page_size=2&page=3").json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert client.get(reverse("api:actions") + "?page=9").status_code == 404
