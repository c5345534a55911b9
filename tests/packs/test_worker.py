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
    with running_worker(extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}):
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
    assert pack.pages and plan.red.description in normalise(pdf_text(pack.pdf.path))
    assert BoardPack.objects.count() == 1
