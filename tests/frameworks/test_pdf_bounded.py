"""Issue 15 point 1: a framework's PDF is kept in the shared cache under a digest of the HTML
it is drawn from, and its Graphviz diagram under a digest of its DOT source, so neither is
drawn again until the framework changes; an uncached PDF is drawn in the request only under
the user's rate limit and the host's render slot (safeguarding.heavy_renders)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from boards.models import Role
from frameworks import diagram, views
from safeguarding import heavy_renders, shared_cache
from tests.factories import BoardFactory, MembershipFactory, PartnershipFactory, UserFactory
from tests.frameworks.factories import framework_binding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_renders_left_over():
    shared_cache.clear_prefix("heavy-render")
    yield
    shared_cache.clear_prefix("heavy-render")


@pytest.fixture
def setting():
    partnership = PartnershipFactory()
    board = BoardFactory(partnership=partnership)
    framework = framework_binding(board, BoardFactory(partnership=partnership))
    members = []
    for _ in range(2):
        user = UserFactory()
        MembershipFactory(user=user, board=board, role=Role.MEMBER)
        members.append(user)
    return reverse("frameworks:pdf", args=[framework.pk]), members, framework


@pytest.fixture
def drawings(monkeypatch):
    """How many times WeasyPrint and Graphviz drew something for the views."""
    counts = {"pdf": 0, "dot": 0}
    real_pdf, real_dot = views.framework_pdf_from_html, diagram._run_dot

    def pdf(html: str) -> bytes:
        counts["pdf"] += 1
        return real_pdf(html)

    def dot(source: str) -> str:
        counts["dot"] += 1
        return real_dot(source)

    monkeypatch.setattr(views, "framework_pdf_from_html", pdf)
    monkeypatch.setattr(diagram, "_run_dot", dot)
    return counts


def test_the_pdf_and_its_diagram_are_drawn_once_per_change(client, setting, drawings):
    url, (member, other), framework = setting
    client.force_login(member)
    first = client.get(url)
    assert first["Content-Type"] == "application/pdf"
    client.force_login(other)
    assert client.get(url).content == first.content
    assert client.get(reverse("frameworks:detail", args=[framework.pk])).status_code == 200
    assert drawings == {"pdf": 1, "dot": 1}  # the page drew nothing: the diagram was cached

    # A draft is edited in place, same version number: the edit still makes a new PDF.
    framework.summary = "How the boards hold each other to account."
    framework.save()
    assert client.get(url).content != first.content
    assert drawings == {"pdf": 2, "dot": 1}  # the summary is not in the diagram

    board = framework.framework_boards.first().board  # boards are the diagram's boxes
    board.short_name = "RENAMED"
    board.save()
    assert client.get(url).status_code == 200
    assert drawings == {"pdf": 3, "dot": 2}


def test_a_member_looping_on_the_pdf_is_refused_past_the_limit(client, setting, settings):
    url, (member, other), framework = setting
    settings.HEAVY_RENDER_RATE = "1/m"
    client.force_login(member)
    assert client.get(url)["Content-Type"] == "application/pdf"
    assert client.get(url).status_code == 200  # from the cache: not counted
    framework.summary = "Changed, so drawn again."
    framework.save()
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    client.force_login(other)
    assert client.get(url).status_code == 200


def test_with_the_render_slot_taken_an_uncached_pdf_answers_503_at_once(client, setting, settings):
    url, (member, _), _framework = setting
    slot = f"{heavy_renders.SLOT_PREFIX}{settings.HEAVY_RENDER_HOST}:0"
    client.force_login(member)
    cache.set(slot, "another render", 30)
    try:
        assert client.get(url).status_code == 503
    finally:
        cache.delete(slot)
    assert client.get(url).status_code == 200
    cache.set(slot, "another render", 30)
    try:
        assert client.get(url)["Content-Type"] == "application/pdf"  # cached: no slot needed
    finally:
        cache.delete(slot)


def test_outsiders_get_404(client, setting):
    url, _, _ = setting
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
