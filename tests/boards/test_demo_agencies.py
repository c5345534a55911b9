"""The demo's partner agencies are the ones the seeds name, and nothing is invented about them."""

import datetime
import os
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from boards.models import Agency, Membership
from meetings.models import Attendance
from plans.demo import SEED_AGENCIES

pytestmark = pytest.mark.django_db


def seeds_folder() -> Path | None:
    """``shared/seeds`` beside the checkout (further up from a worktree), as test_demo_fidelity finds it."""
    if os.environ.get("SEEDS_DIR"):
        return Path(os.environ["SEEDS_DIR"])
    here = Path(__file__).resolve()
    return next((f / "shared" / "seeds" for f in here.parents if (f / "shared" / "seeds").is_dir()), None)


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_demo_agencies_come_from_the_seeds():
    call_command("load_demo")
    loaded = {(a.partnership.name, a.name, a.kind) for a in Agency.objects.select_related("partnership")}
    assert loaded == {(p, name, kind) for p, agencies in SEED_AGENCIES.items() for name, kind in agencies}
    folder = seeds_folder()
    if folder is not None:  # each name is written as a seed writes it
        seed_text = " ".join(path.read_text(encoding="utf-8") for path in folder.glob("*.txt"))
        seed_text = seed_text.replace("’", "'").lower()
        for _, name, _ in loaded:
            assert name.lower() in seed_text, name
    assert not Agency.objects.filter(illustrative=True).exists()
    # No seed says who sits for which agency, or who attended which meeting.
    assert not Membership.objects.filter(agency__isnull=False).exists()
    assert not Attendance.objects.filter(illustrative=False).exists()
    before = Agency.history.count()
    call_command("load_demo")
    assert Agency.history.count() == before  # a reload writes nothing
