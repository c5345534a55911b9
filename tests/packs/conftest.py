import datetime

import pytest

from packs.periods import quarter_containing

TODAY = datetime.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def pack_settings(settings, tmp_path):
    """Packs are written under a throw-away MEDIA_ROOT and made in-process unless a test says otherwise."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PACKS_RENDER_IN_PROCESS = True


@pytest.fixture
def q2():
    return quarter_containing(datetime.date(2026, 8, 1))
