"""A pack asked for in a request is made by the real worker, whose JSON log lines carry
that request's id (safeguarding/logging.py: message headers in, contextvar in the task)."""

from __future__ import annotations

import datetime
import json
import time

import pytest
import time_machine
from django.urls import reverse

from packs.models import BoardPack, PackStatus
from tests.celery_worker import running_worker
from tests.packs.factories import make_pack_plan


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_pack_requested_in_a_request_is_logged_by_the_worker_with_that_request_id(
    client, people, settings, queued_packs
):
    make_pack_plan(people.board)
    client.force_login(people.member)
    with running_worker(extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT), "LOG_FORMAT": "json"}) as worker:
        with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC), tick=False):
            response = client.post(
                reverse("packs:request", args=[people.board.slug]),
                {"quarter": "2026-07-01"},
                HTTP_X_REQUEST_ID="req-pack-0123456789",
            )
        assert response["X-Request-ID"] == "req-pack-0123456789"
        pack = BoardPack.objects.get()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not pack.is_finished:
            time.sleep(0.2)
            pack.refresh_from_db()
    assert pack.status == PackStatus.DONE, pack.error
    lines = [json.loads(line) for line in worker.stdout.read().splitlines() if line.startswith("{")]
    made = [line for line in lines if line["message"].startswith(f"Board pack {pack.pk} made")]
    assert made, lines[-5:]
    assert made[0]["request_id"] == "req-pack-0123456789"
    assert made[0]["task"] == "packs.generate_pack" and made[0]["task_id"]
