import contextlib
import datetime
from unittest import mock

import pytest

from packs import generation
from packs.periods import quarter_containing
from packs.rendering import RenderedPdf

TODAY = datetime.date(2026, 10, 20)
DISPATCH_TO_WORKER = generation.dispatch
DISPATCH_ANNEX_TO_WORKER = generation.dispatch_annex


def make_here(pack) -> None:
    """Stands in for the worker: make the pack now, in the test's own transaction."""
    # make_pack records a failure on the pack, which the tests then read.
    with contextlib.suppress(Exception):
        generation.make_pack(pack.pk)
    pack.refresh_from_db()


def make_annex_here(pack_id: int) -> bool:
    """Stands in for the worker's second process: make the full-plan annex now."""
    with contextlib.suppress(Exception):
        generation.make_annex(pack_id)
    return True


@pytest.fixture(autouse=True)
def pack_settings(settings, tmp_path, monkeypatch):
    """Packs are written under a throw-away MEDIA_ROOT and, unless a test asks for
    ``queued_packs``, made at once in the test's process instead of by a worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(generation, "dispatch", make_here)
    monkeypatch.setattr(generation, "dispatch_annex", make_annex_here)


@pytest.fixture
def queued_packs(monkeypatch):
    """The real dispatch: the pack is sent to the Celery queue after commit."""
    monkeypatch.setattr(generation, "dispatch", DISPATCH_TO_WORKER)
    monkeypatch.setattr(generation, "dispatch_annex", DISPATCH_ANNEX_TO_WORKER)


@pytest.fixture
def q2():
    return quarter_containing(datetime.date(2026, 8, 1))


FAKE_PDF = RenderedPdf(content=b"%PDF-1.7 a stand-in for a rendered pack", pages=3)


@pytest.fixture
def fake_renderer():
    """For steps whose PDF nobody reads: WeasyPrint takes seconds, and other tests render for real."""
    with mock.patch.object(generation, "write_pdf", return_value=FAKE_PDF) as renderer:
        yield renderer
