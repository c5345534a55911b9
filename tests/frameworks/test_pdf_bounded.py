"""Issue 15 point 1: a framework's PDF is rendered in the request only under the user's rate
limit and the host's render slot (safeguarding.heavy_renders)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from boards.models import Role
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
    return reverse("frameworks:pdf", args=[framework.pk]), members


def test_a_member_looping_on_the_pdf_is_refused_past_the_limit(client, setting, settings):
    url, (member, other) = setting
    settings.HEAVY_RENDER_RATE = "1/m"
    client.force_login(member)
    assert client.get(url)["Content-Type"] == "application/pdf"
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    client.force_login(other)
    assert client.get(url).status_code == 200


def test_with_the_render_slot_taken_the_pdf_answers_503_at_once(client, setting, settings):
    url, (member, _) = setting
    slot = f"{heavy_renders.SLOT_PREFIX}{settings.HEAVY_RENDER_HOST}:0"
    cache.set(slot, "another render", 30)
    client.force_login(member)
    try:
        assert client.get(url).status_code == 503
    finally:
        cache.delete(slot)
    assert client.get(url).status_code == 200


def test_outsiders_get_404(client, setting):
    url, _ = setting
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
