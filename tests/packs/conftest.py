import datetime
from unittest import mock

import pytest

from packs import generation
from packs.periods import quarter_containing
from packs.rendering import RenderedPdf

TODAY = datetime.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def pack_settings(settings, tmp_path):
    """Packs are written under a throw-away MEDIA_ROOT and made in-process unless a test says otherwise."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PACKS_RENDER_IN_PROCESS = True


@pytest.fixture
def q2():
    return quarter_containing(datetime.date(2026, 8, 1))


FAKE_PDF = RenderedPdf(content=b"%PDF-1.7 a stand-in for a rendered pack", pages=3)


@pytest.fixture
def fake_renderer():
    """For steps whose PDF nobody reads: WeasyPrint takes seconds, and other tests render for real."""
    with mock.patch.object(generation, "write_pdf", return_value=FAKE_PDF) as renderer:
        yield renderer
