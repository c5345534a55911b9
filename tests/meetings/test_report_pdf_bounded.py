"""Issue 15 point 1: a board report's PDF is kept in the shared cache under a digest of the
HTML it is drawn from, so it is drawn once per change; an uncached one is drawn in the
request only under the user's rate limit and the host's render slot
(safeguarding.heavy_renders)."""

from __future__ import annotations

import subprocess

import pytest
from django.core.cache import cache
from django.urls import reverse

from meetings import views
from safeguarding import heavy_renders, shared_cache
from tests.meetings.factories import BoardReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_renders_left_over():
    shared_cache.clear_prefix("heavy-render")
    yield
    shared_cache.clear_prefix("heavy-render")


@pytest.fixture
def report(people):
    return BoardReportFactory(board=people.board, title="Quarterly assurance")


@pytest.fixture
def pdf_url(report):
    return reverse("meetings:report_pdf", args=[report.pk])


@pytest.fixture
def drawings(monkeypatch):
    """Every PDF WeasyPrint draws for the view, by the title in it."""
    drawn: list[str] = []
    real = views.report_pdf_from_html

    def counting(html: str) -> bytes:
        data = real(html)
        drawn.append(pdf_text(data))
        return data

    monkeypatch.setattr(views, "report_pdf_from_html", counting)
    return drawn


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_pdf_is_drawn_once_per_change_and_served_to_every_member_from_the_cache(
    client, people, report, pdf_url, drawings
):
    client.force_login(people.member)
    first = client.get(pdf_url)
    assert first["Content-Type"] == "application/pdf"
    client.force_login(people.executive)
    assert client.get(pdf_url).content == first.content
    assert len(drawings) == 1

    report.title = "Quarterly assurance, revised"
    report.save()
    revised = client.get(pdf_url)
    assert len(drawings) == 2
    assert "Quarterly assurance, revised" in pdf_text(revised.content)

    # The board's name is printed on the report: renaming the board makes it again too.
    people.board.name = "Renamed Safeguarding Children Board"
    people.board.save()
    assert "RENAMED SAFEGUARDING CHILDREN BOARD" in pdf_text(client.get(pdf_url).content)  # set in capitals
    assert len(drawings) == 3


def test_a_member_looping_on_a_report_pdf_is_refused_past_the_limit(
    client, people, report, pdf_url, settings
):
    settings.HEAVY_RENDER_RATE = "2/m"
    client.force_login(people.member)
    assert client.get(pdf_url).status_code == 200
    assert client.get(pdf_url).status_code == 200  # from the cache: not counted
    for n in (1, 2):
        report.title = f"Quarterly assurance, revision {n}"
        report.save()
        response = client.get(pdf_url)
        if n == 1:
            assert response.status_code == 200  # the second drawing
    assert response.status_code == 429  # the third
    assert response["Retry-After"] == "60"
    client.force_login(people.executive)
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


def test_with_the_render_slot_taken_an_uncached_pdf_answers_503_at_once(client, people, pdf_url, settings):
    slot = f"{heavy_renders.SLOT_PREFIX}{settings.HEAVY_RENDER_HOST}:0"
    client.force_login(people.member)
    cache.set(slot, "another render", 30)
    try:
        busy = client.get(pdf_url)
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
    finally:
        cache.delete(slot)
    assert client.get(pdf_url).status_code == 200
    cache.set(slot, "another render", 30)
    try:
        assert client.get(pdf_url)["Content-Type"] == "application/pdf"  # cached: no slot needed
    finally:
        cache.delete(slot)


def test_outsiders_still_get_404(client, people, pdf_url):
    client.force_login(people.outsider)
    assert client.get(pdf_url).status_code == 404


def test_one_render_at_a_time_per_process_even_with_redis_down(client, people, pdf_url):
    """Threaded web workers: a second thread of a process that is already drawing a PDF is
    refused at once, as a sync worker would have been busy, also with no shared slots."""
    client.force_login(people.member)
    shared_cache.failed(ConnectionError("Redis is down"))
    assert not shared_cache.available()
    assert heavy_renders._process_render.acquire(blocking=False)  # another thread's render
    try:
        busy = client.get(pdf_url)
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
    finally:
        heavy_renders._process_render.release()
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"
