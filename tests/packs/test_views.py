import datetime

import pytest
import time_machine
from django.urls import reverse

from packs.generation import request_pack
from packs.models import BoardPack, PackStatus
from tests.packs.conftest import FAKE_PDF, TODAY
from tests.packs.factories import make_pack_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def pack(people, q2, fake_renderer):
    make_pack_plan(people.board)
    pack, _ = request_pack(people.board, q2, people.manager, today=TODAY)
    return pack


def pack_urls(pack):
    return [
        reverse(f"packs:{name}", args=[pack.pk])
        for name in ("pack", "status", "preview", "download", "annex")
    ]


def test_any_member_may_request_a_pack_by_post(client, people, fake_renderer):
    make_pack_plan(people.board)
    url = reverse("packs:request", args=[people.board.slug])
    client.force_login(people.member)
    assert client.get(url).status_code == 405
    response = client.post(url, {"quarter": "2026-07-01"})
    pack = BoardPack.objects.get()
    assert response.status_code == 302 and response.url == pack.get_absolute_url()
    assert pack.status == PackStatus.DONE and pack.requested_by == people.member
    assert pack.period_start == datetime.date(2026, 7, 1)
    # Asking again with nothing changed: the same pack, no second render.
    response = client.post(url, {"quarter": "2026-07-01"}, follow=True)
    assert BoardPack.objects.count() == 1 and fake_renderer.call_count == 2  # the pack and its annex, once
    assert "Nothing has changed since this pack was made" in response.text


def test_an_unknown_quarter_is_refused_with_a_message(client, people):
    client.force_login(people.member)
    response = client.post(reverse("packs:request", args=[people.board.slug]), {"quarter": "1999-01-01"})
    assert response.status_code == 400 and "Choose one of the quarters listed" in response.text
    assert not BoardPack.objects.exists()


def test_members_of_any_role_see_list_pack_status_preview_and_download(client, people, pack):
    for user in (people.manager, people.chair, people.member, people.executive):
        client.force_login(user)
        assert client.get(reverse("packs:list", args=[people.board.slug])).status_code == 200
        for url in pack_urls(pack):
            assert client.get(url).status_code == 200, (user, url)
    response = client.get(reverse("packs:download", args=[pack.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert (
        "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    )
    assert b"".join(response.streaming_content) == FAKE_PDF.content
    annex = client.get(reverse("packs:annex", args=[pack.pk]))
    assert annex["Content-Type"] == "application/pdf" and annex["Cache-Control"] == "private, no-store"
    assert pack.annex_filename in annex["Content-Disposition"]
    assert b"".join(annex.streaming_content) == FAKE_PDF.content


def test_a_pack_whose_requester_left_still_shows(client, people, pack):
    BoardPack.objects.filter(pk=pack.pk).update(requested_by=None)
    client.force_login(people.member)
    assert "Not recorded" in client.get(pack.get_absolute_url()).text
    assert "Not recorded" in client.get(reverse("packs:list", args=[people.board.slug])).text


def test_outsiders_get_404_and_anonymous_users_sign_in(client, people, pack):
    for url in [*pack_urls(pack), reverse("packs:list", args=[people.board.slug])]:
        assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    for url in [*pack_urls(pack), reverse("packs:list", args=[people.board.slug])]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("packs:request", args=[people.board.slug]), {"quarter": "2026-07-01"}).status_code
        == 404
    )
    assert BoardPack.objects.count() == 1


def test_the_status_partial_polls_every_two_seconds_until_done(client, people, pack):
    client.force_login(people.member)
    BoardPack.objects.filter(pk=pack.pk).update(status=PackStatus.RENDERING, progress_message="Laying out")
    response = client.get(reverse("packs:status", args=[pack.pk]))
    assert 'hx-trigger="every 2s"' in response.text and "Rendering the PDF" in response.text
    assert "<html" not in response.text  # a partial, swapped in by htmx
    assert client.get(reverse("packs:download", args=[pack.pk])).status_code == 404  # no PDF until done
    assert client.get(reverse("packs:annex", args=[pack.pk])).status_code == 404
    BoardPack.objects.filter(pk=pack.pk).update(status=PackStatus.DONE)
    response = client.get(reverse("packs:status", args=[pack.pk]))
    assert "hx-trigger" not in response.text and "Download the PDF" in response.text
    assert (
        reverse("packs:annex", args=[pack.pk]) in response.text
        and "the full plan annex of 3 pages" in response.text
    )


def test_the_preview_shows_the_same_sections_from_the_snapshot(
    client, people, pack, django_assert_max_num_queries
):
    client.force_login(people.member)
    with django_assert_max_num_queries(6):  # the snapshot is one row: no query per action
        response = client.get(reverse("packs:preview", args=[pack.pk]))
    for title in (
        "Business plan summary",
        "Exception report",
        "Progress in the period",
        "Performance measures",
    ):
        assert title in response.text
    assert "Audit the red action" in response.text and "<svg" in response.text


def test_the_list_loads_in_a_fixed_number_of_queries(client, people, pack, q2, django_assert_max_num_queries):
    client.force_login(people.member)
    url = reverse("packs:list", args=[people.board.slug])
    # requested_by is joined, not loaded per pack; one query lists the board's meetings for the form.
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_asking_for_a_pack_still_being_made_says_so(client, people, pack):
    BoardPack.objects.filter(pk=pack.pk).update(status=PackStatus.QUEUED)
    client.force_login(people.chair)
    response = client.post(
        reverse("packs:request", args=[people.board.slug]), {"quarter": "2026-07-01"}, follow=True
    )
    assert "This pack is already being made" in response.text and BoardPack.objects.count() == 1


def test_the_inputs_fingerprint_is_for_the_service_team_only(client, admin_client, people, pack):
    """Issue 13, point 9: members never see the fingerprint; the admin shows it, read-only."""
    fingerprint = pack.input_hash[:16]
    client.force_login(people.manager)
    for url in [*pack_urls(pack)[:3], reverse("packs:list", args=[people.board.slug])]:
        page = client.get(url).text
        assert fingerprint not in page and "fingerprint" not in page.lower(), url
    changelist = admin_client.get(reverse("admin:packs_boardpack_changelist"))
    assert changelist.status_code == 200 and fingerprint in changelist.text
    change = admin_client.get(reverse("admin:packs_boardpack_change", args=[pack.pk]))
    assert change.status_code == 200 and pack.input_hash in change.text
    assert 'name="input_hash"' not in change.text  # shown, not editable
    assert admin_client.get(reverse("admin:packs_boardpack_add")).status_code == 403
