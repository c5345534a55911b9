"""Redis down: the site keeps serving pages and accepting edits; a pack asked for
meanwhile is recorded as queued and is made once Redis is back. Nothing is lost.

Uses a redis-server of the test's own (stopped and started again on the same port),
never the machine's shared Redis."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from celery import Celery
from django.test import Client
from django.urls import reverse

from packs.generation import SEND_GRACE
from packs.models import BoardPack, PackStatus
from plans.models import ProgressUpdate
from tests.celery_worker import ROOT
from tests.celery_worker import test_database_url as database_url
from tests.packs.factories import make_pack_plan
from tests.plans.test_permissions import quick_update_data
from tests.servers import PRODUCTION_ENV, free_port, private_redis, running_gunicorn, start_redis

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """This process's Celery app pointed at a port where nothing listens."""
    from safeguarding.celery import app

    def reset() -> None:
        # Fresh connection and producer pools, so the next send uses the broker URL now set.
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    reset()
    yield
    app.conf.broker_url = before
    reset()


def test_with_redis_down_edits_are_saved_and_a_pack_request_returns_at_once(people, broker_down):
    plan = make_pack_plan(people.board)
    client = Client()
    client.force_login(people.manager)
    started = time.monotonic()
    data = {**quick_update_data(plan.red), f"action-{plan.red.pk}-text": "Saved while Redis was down"}
    assert client.post(reverse("plans:action_update", args=[plan.red.pk]), data).status_code == 302
    assert ProgressUpdate.objects.filter(text="Saved while Redis was down").exists()
    assert client.get(plan.red.get_absolute_url()).status_code == 200

    quarter = (
        client.get(reverse("packs:list", args=[people.board.slug])).context["form"].fields["quarter"].initial
    )
    response = client.post(reverse("packs:request", args=[people.board.slug]), {"quarter": quarter})
    assert response.status_code == 302
    assert time.monotonic() - started < 10
    pack = BoardPack.objects.get()
    assert pack.status == PackStatus.QUEUED and pack.sent_to_worker_at is None
    assert "Waiting for a worker" in client.get(pack.get_absolute_url()).text


class Browser:
    """A cookie-keeping client for a real server (gunicorn), with CSRF from the page."""

    def __init__(self, base: str, session_cookie: str) -> None:
        self.base = base
        self.cookies = {"sessionid": session_cookie}

    def _open(self, request: urllib.request.Request) -> tuple[int, str, str]:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        with urllib.request.urlopen(request, timeout=10) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, value = header.split(";", 1)[0].split("=", 1)
                self.cookies[name] = value
            return response.status, response.url, response.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        status, _, body = self._open(urllib.request.Request(self.base + path))
        return status, body

    def post_form(self, path: str, page: str, fields: dict[str, str]) -> str:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        _, landed_on, _ = self._open(urllib.request.Request(self.base + path, data=data))
        return landed_on


def test_a_pack_asked_for_while_redis_was_down_is_made_once_it_is_back(people, settings, tmp_path):
    settings.SECRET_KEY = PRODUCTION_ENV["SECRET_KEY"]
    make_pack_plan(people.board)
    client = Client()
    client.force_login(people.member)
    session = client.cookies["sessionid"].value
    media = tmp_path / "media"
    with private_redis() as (redis_url, redis_server):
        port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
        with running_gunicorn(database_url(), workers=2, REDIS_URL=redis_url, MEDIA_ROOT=str(media)) as web:
            browser = Browser(web, session)
            redis_server.terminate()
            redis_server.wait(timeout=10)

            status, page = browser.get(f"/packs/boards/{people.board.slug}/")
            assert status == 200
            quarter = re.search(r'<option value="([^"]+)" selected', page).group(1)
            started = time.monotonic()
            landed_on = browser.post_form(
                f"/packs/boards/{people.board.slug}/request/", page, {"quarter": quarter}
            )
            assert time.monotonic() - started < 10
            pack = BoardPack.objects.get()
            assert landed_on.endswith(pack.get_absolute_url())
            assert pack.status == PackStatus.QUEUED and pack.sent_to_worker_at is None

        redis_again = start_redis(port)  # Redis is back
        try:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "safeguarding",
                    "worker",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env={
                    **os.environ,
                    "DATABASE_URL": database_url(),
                    "REDIS_URL": redis_url,
                    "MEDIA_ROOT": str(media),
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                # Beat's minute tick, sent as beat would (after the pack's grace minute).
                BoardPack.objects.filter(pk=pack.pk).update(created_at=pack.created_at - 2 * SEND_GRACE)
                Celery(broker=redis_url).send_task("packs.send_unsent")
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    pack.refresh_from_db()
                    if pack.is_finished:
                        break
                    time.sleep(0.5)
            finally:
                worker.terminate()
                worker.wait(timeout=30)
        finally:
            redis_again.terminate()
            redis_again.wait(timeout=10)
    assert pack.status == PackStatus.DONE, (pack.status, pack.error)
    assert pack.sent_to_worker_at is not None and (media / pack.pdf.name).exists()
    assert BoardPack.objects.count() == 1


def test_an_import_asked_for_while_redis_was_down_is_read_once_it_is_back(people, broker_down, monkeypatch):
    """The upload is recorded as "reading" and unsent; the sweep sends it when Redis answers."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plans.models import ImportJob
    from plans.transfer import tasks
    from tests.plans.transfer.files import small_csv

    monkeypatch.setattr(tasks, "queue_read", ORIGINAL_QUEUE_READ)
    client = Client()
    client.force_login(people.manager)
    started = time.monotonic()
    fields = {"title": "Brought in while Redis was down", "file": SimpleUploadedFile("plan.csv", small_csv())}
    for name, value in (
        ("period_start", "2011-04-01"),
        ("period_end", "2013-03-31"),
        ("progress_as_of", "2011-09-30"),
    ):
        year, month, day = value.split("-")
        fields.update({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year, name: value})
    with django_capture_on_commit():
        response = client.post(reverse("plans:transfer:upload_new_plan", args=[people.board.slug]), fields)
    assert response.status_code == 302 and time.monotonic() - started < 10
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.READING and job.sent_to_worker_at is None

    sent: list = []
    monkeypatch.setattr(
        tasks,
        "send_now",
        lambda name, args, on_sent=None, **options: (
            sent.append((name, args)) or (on_sent and on_sent()) or True
        ),
    )
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - 2 * tasks.SEND_GRACE)
    assert tasks.send_unsent_imports() == 1
    assert sent == [(tasks.READ_TASK, [str(job.pk)])]
    job.refresh_from_db()
    assert job.sent_to_worker_at is not None
    assert tasks.send_unsent_imports() == 0  # sent once, never twice


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


from plans.transfer import tasks as _import_tasks  # noqa: E402

ORIGINAL_QUEUE_READ = _import_tasks.queue_read
