import time

import pytest

from packs.generation import request_pack
from packs.models import BoardPack, PackStatus
from tests.celery_worker import running_worker
from tests.packs.conftest import TODAY
from tests.packs.factories import make_pack_plan
from tests.packs.pdf import normalise, pdf_text

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_makes_the_pack_from_the_queue(people, q2, settings, queued_packs):
    plan = make_pack_plan(people.board)
    # Two processes, as `make run` and production run it: the pack and its annex at once.
    with running_worker(concurrency=2, extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}):
        pack, created = request_pack(people.board, q2, people.member, today=TODAY)
        assert created and pack.status == PackStatus.QUEUED
        seen = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pack.refresh_from_db()
            seen.add(pack.status)
            if pack.is_finished:
                break
            time.sleep(0.1)
    assert pack.status == PackStatus.DONE, (pack.status, pack.error)
    assert seen - {PackStatus.QUEUED} <= {PackStatus.GATHERING, PackStatus.RENDERING, PackStatus.DONE}
    assert pack.pages and plan.red.description in normalise(pdf_text(pack.pdf.path, layout=False))
    # The full-plan annex, made by its own task, is stored and the pack links to it.
    assert pack.has_annex and pack.annex_pages and pack.annex_attempts == 1
    assert plan.green.description in normalise(pdf_text(pack.annex_pdf.path, layout=False))
    assert f"/packs/{pack.pk}/annex/" in normalise(pdf_text(pack.pdf.path))
    assert BoardPack.objects.count() == 1


def test_a_worker_killed_mid_render_has_the_pack_made_by_its_next_child(people, q2, settings, queued_packs):
    """SIGKILL the pool child while it lays out the PDF: the task is rejected back to the
    queue (reject_on_worker_lost), a new child makes the pack, and it is done with its file."""
    import os
    import signal

    from tests.factories import ActionFactory
    from tests.notifications.test_worker_killed import _children

    plan = make_pack_plan(people.board)
    for _ in range(150):  # enough pages to be caught mid-render
        ActionFactory(objective=plan.red.objective)
    with running_worker(extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}) as worker:
        pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pack.refresh_from_db()
            if pack.status == PackStatus.RENDERING:
                break
            time.sleep(0.05)
        assert pack.status == PackStatus.RENDERING
        [child] = _children(worker.pid)
        os.kill(child, signal.SIGKILL)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            pack.refresh_from_db()
            if pack.is_finished:
                break
            time.sleep(0.2)
    assert pack.status == PackStatus.DONE, (pack.status, pack.error)
    assert pack.attempts == 2 and not pack.file_is_missing
    assert pack.pdf.storage.exists(pack.pdf.name)
