"""Issue 15 point 1: a board report's PDF is rendered in the request only under the user's
rate limit and the host's render slot (safeguarding.heavy_renders)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from safeguarding import heavy_renders, shared_cache
from tests.meetings.factories import BoardReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_renders_left_over():
    shared_cache.clear_prefix("heavy-render")
    yield
    shared_cache.clear_prefix("heavy-render")


@pytest.fixture
def pdf_url(people):
    return reverse("meetings:report_pdf", args=[BoardReportFactory(board=people.board).pk])


def test_a_member_looping_on_a_report_pdf_is_refused_past_the_limit(client, people, pdf_url, settings):
    settings.HEAVY_RENDER_RATE = "2/m"
    client.force_login(people.member)
    assert client.get(pdf_url).status_code == 200
    assert client.get(pdf_url).status_code == 200
    refused = client.get(pdf_url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    client.force_login(people.executive)
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"


def test_with_the_render_slot_taken_the_pdf_answers_503_at_once(client, people, pdf_url, settings):
    slot = f"{heavy_renders.SLOT_PREFIX}{settings.HEAVY_RENDER_HOST}:0"
    cache.set(slot, "another render", 30)
    client.force_login(people.member)
    try:
        busy = client.get(pdf_url)
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
    finally:
        cache.delete(slot)
    assert client.get(pdf_url).status_code == 200


def test_outsiders_still_get_404(client, people, pdf_url):
    client.force_login(people.outsider)
    assert client.get(pdf_url).status_code == 404
