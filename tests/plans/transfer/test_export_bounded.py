"""Issue 15 point 1: plan exports never run unbounded in a web worker. A file is kept in
the shared cache under the plan's content version (any later request, from any process,
is served without rendering); an uncached render counts against the user's rate limit and
needs the host's render slot; a large plan's file is made by the Celery worker while a
page shows its progress."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from plans.transfer import export_jobs, exporter
from safeguarding import heavy_renders, shared_cache
from tests.factories import ProgressUpdateFactory
from tests.servers import free_port

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "docx"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def no_renders_left_over():
    shared_cache.clear_prefix("heavy-render")
    shared_cache.clear_prefix("plan-export-job")
    yield
    shared_cache.clear_prefix("heavy-render")
    shared_cache.clear_prefix("plan-export-job")


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Counts the real exporters' runs (each still makes its file)."""
    made: list[str] = []
    for fmt, (build, content_type) in list(exporter.EXPORTERS.items()):

        def counted(plan, build=build, fmt=fmt):
            made.append(fmt)
            return build(plan)

        monkeypatch.setitem(exporter.EXPORTERS, fmt, (counted, content_type))
    return made


def export_url(plan, fmt: str) -> str:
    return reverse("plans:transfer:export", args=[plan.pk, fmt])


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_is_made_once_per_version_of_the_plan(client, people, own, builds, fmt):
    client.force_login(people.member)
    first = client.get(export_url(own.plan, fmt))
    assert first.status_code == 200
    assert first["Content-Disposition"].startswith("attachment;")
    second = client.get(export_url(own.plan, fmt))
    assert second.content == first.content
    client.force_login(people.executive)  # another member: the same cached file
    assert client.get(export_url(own.plan, fmt)).content == first.content
    assert builds == [fmt]
    ProgressUpdateFactory(action=own.led, text="A newer note")  # bumps the plan's version
    third = client.get(export_url(own.plan, fmt))
    assert builds == [fmt, fmt]
    if fmt == "csv":
        assert "A newer note" in third.content.decode("utf-8-sig")


def test_uncached_renders_are_rate_limited_per_user_and_cached_ones_are_not(
    client, people, own, builds, settings
):
    settings.HEAVY_RENDER_RATE = "2/m"
    client.force_login(people.member)
    for fmt in ("csv", "xlsx"):
        assert client.get(export_url(own.plan, fmt)).status_code == 200
    refused = client.get(export_url(own.plan, "docx"))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Wait a minute and try again" in refused.text
    assert client.get(export_url(own.plan, "csv")).status_code == 200  # cached: not counted
    client.force_login(people.executive)  # another user has their own count
    assert client.get(export_url(own.plan, "docx")).status_code == 200
    assert builds == ["csv", "xlsx", "docx"]


def test_with_the_host_s_render_slot_taken_an_uncached_export_answers_503_at_once(
    client, people, own, builds, settings
):
    client.force_login(people.member)
    assert client.get(export_url(own.plan, "csv")).status_code == 200
    slot = f"{heavy_renders.SLOT_PREFIX}{settings.HEAVY_RENDER_HOST}:0"
    cache.set(slot, "someone else's render", 30)
    try:
        busy = client.get(export_url(own.plan, "docx"))
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
        assert client.get(export_url(own.plan, "csv")).status_code == 200  # cached files still served
    finally:
        cache.delete(slot)
    assert client.get(export_url(own.plan, "docx")).status_code == 200
    assert builds == ["csv", "docx"]
    assert cache.get(slot) is None  # released after the render


def test_the_same_file_asked_for_twice_at_once_is_made_once(client, people, own, builds):
    client.force_login(people.member)
    own.plan.refresh_from_db()  # the version its parts' saves bumped
    key = export_jobs.export_key(own.plan, "docx")
    cache.set(f"{heavy_renders.BUSY_PREFIX}{key}", 1, 30)
    response = client.get(export_url(own.plan, "docx"))
    assert response.status_code == 503
    assert "being made for someone else" in response.text
    assert builds == []


def test_a_render_that_fails_frees_its_slot(client, people, own, monkeypatch, settings):
    def broken(plan):
        raise RuntimeError("exporter bug")

    monkeypatch.setitem(exporter.EXPORTERS, "csv", (broken, "text/csv"))
    client.raise_request_exception = False
    client.force_login(people.member)
    assert client.get(export_url(own.plan, "csv")).status_code == 500
    assert cache.get(f"{heavy_renders.SLOT_PREFIX}{settings.HEAVY_RENDER_HOST}:0") is None


def test_with_redis_down_a_small_export_is_still_made(client, people, own, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        },
    }
    client.force_login(people.member)
    response = client.get(export_url(own.plan, "csv"))
    assert response.status_code == 200
    assert own.led.description in response.content.decode("utf-8-sig")


# --- Large plans: made by the worker --------------------------------------------


@pytest.fixture
def large(settings):
    """Every plan of the fixtures counts as large."""
    settings.EXPORT_IN_WORKER_ACTIONS = 1


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    messages: list[tuple] = []

    def send_now(task_name, args, on_sent=None, **options):
        messages.append((task_name, args))
        return True

    monkeypatch.setattr(export_jobs, "send_now", send_now)
    return messages


def test_a_large_plan_s_export_is_made_by_the_worker_with_progress(client, people, own, large, sent, builds):
    client.force_login(people.member)
    response = client.get(export_url(own.plan, "docx"))
    status_url = reverse("plans:transfer:export_status", args=[own.plan.pk, "docx"])
    assert response.status_code == 302 and response.url == status_url
    assert builds == []  # nothing rendered in the request
    page = client.get(status_url)
    assert page.status_code == 200
    assert "Making the Word document" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    assert sent == [(export_jobs.EXPORT_TASK, [own.plan.pk, "docx"])]
    client.get(status_url)
    client.force_login(people.executive)
    client.get(reverse("plans:transfer:export_progress", args=[own.plan.pk, "docx"]))
    assert len(sent) == 1  # asked for once, joined after

    assert export_jobs.build_export(own.plan.pk, "docx") == "done"  # what the worker runs
    progress = client.get(reverse("plans:transfer:export_progress", args=[own.plan.pk, "docx"]))
    assert "Your Word document is ready" in progress.text
    assert "hx-trigger" not in progress.text
    download = client.get(export_url(own.plan, "docx"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert builds == ["docx"]


def test_a_failed_worker_export_says_so(client, people, own, large, sent, monkeypatch):
    def broken(plan):
        raise RuntimeError("exporter bug")

    client.force_login(people.member)
    client.get(reverse("plans:transfer:export_status", args=[own.plan.pk, "xlsx"]))
    monkeypatch.setitem(exporter.EXPORTERS, "xlsx", (broken, "x"))
    assert export_jobs.build_export(own.plan.pk, "xlsx") == "failed"
    page = client.get(reverse("plans:transfer:export_progress", args=[own.plan.pk, "xlsx"]))
    assert "could not be made" in page.text
    assert "hx-trigger" not in page.text


def test_with_the_worker_unreachable_a_large_export_says_so(client, people, own, large, monkeypatch):
    monkeypatch.setattr(export_jobs, "send_now", lambda *args, **kwargs: False)
    client.force_login(people.member)
    page = client.get(reverse("plans:transfer:export_status", args=[own.plan.pk, "csv"]))
    assert page.status_code == 503
    assert "cannot be reached at the moment" in page.text


@pytest.mark.parametrize("name", ["export", "export_status", "export_progress"])
def test_outsiders_get_404_and_every_member_may_export(client, people, own, large, sent, name):
    url = reverse(f"plans:transfer:{name}", args=[own.plan.pk, "csv"])
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    for role in ("member", "executive", "chair", "manager"):
        client.force_login(getattr(people, role))
        assert client.get(url).status_code in (200, 302), role
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    assert client.get(reverse(f"plans:transfer:{name}", args=[own.plan.pk, "pdf"])).status_code in (302, 404)


def test_the_plan_page_links_exports_without_forcing_a_download(client, people, own):
    """A large plan's link leads to the progress page, so the link must not say "download"."""
    client.force_login(people.member)
    page = client.get(own.plan.get_absolute_url()).text
    assert export_url(own.plan, "docx") in page
    assert f'href="{export_url(own.plan, "docx")}" download' not in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_a_large_plan_s_export(client, people, settings):
    import time

    from tests.celery_worker import running_worker
    from tests.plans.conftest import make_board_plan

    settings.EXPORT_IN_WORKER_ACTIONS = 1
    plan = make_board_plan(people.board, chair=people.chair).plan
    client.force_login(people.member)
    with running_worker():
        assert client.get(export_url(plan, "xlsx")).status_code == 302
        progress_url = reverse("plans:transfer:export_progress", args=[plan.pk, "xlsx"])
        client.get(progress_url)
        deadline = time.monotonic() + 60
        while "is ready" not in client.get(progress_url).text:
            assert time.monotonic() < deadline, "the worker did not make the file within a minute"
            time.sleep(0.5)
    download = client.get(export_url(plan, "xlsx"))
    assert download.status_code == 200
    assert download.content.startswith(b"PK")
