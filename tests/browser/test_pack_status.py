import datetime
from unittest import mock

import pytest

from packs import generation
from packs.generation import request_pack
from packs.models import BoardPack, PackStatus
from packs.periods import quarter_containing
from tests.packs.factories import make_pack_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pack_page_polls_its_status_and_then_offers_the_download(
    page, live_server, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    make_pack_plan(people.board)
    quarter = quarter_containing(datetime.date(2026, 8, 1))
    # No worker here: the test moves the pack through its states itself.
    with mock.patch.object(generation, "dispatch"):
        pack, _ = request_pack(people.board, quarter, people.member, today=datetime.date(2026, 10, 20))
    BoardPack.objects.filter(pk=pack.pk).update(status=PackStatus.RENDERING, progress_message="Laying out.")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("member-user")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{pack.get_absolute_url()}")
    assert page.get_by_text("Rendering the PDF").is_visible()
    assert not page.get_by_role("link", name="Download the PDF").count()

    BoardPack.objects.filter(pk=pack.pk).update(status=PackStatus.DONE)
    # htmx asks again within two seconds and swaps the finished status in; no reload.
    page.get_by_role("link", name="Download the PDF").wait_for(timeout=8000)
    assert page.get_by_text("Your pack is ready").is_visible()
