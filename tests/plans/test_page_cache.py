"""The plan page body is cached in the shared cache per content version of the plan, and
every change shows at once."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from plans import page_body, page_cache
from tests.factories import ActionFactory, EvidenceSourceFactory, ProgressUpdateFactory
from tests.plans.test_permissions import quick_update_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache(page_cache_cleared_on_a_monday):
    yield


def test_a_repeat_view_is_served_from_the_cache_with_fewer_queries(
    client, people, own, django_assert_num_queries
):
    """Pinned: the session, the user, the plan (with the reader's role, which is the access
    check, and what other apps' panels need). The session is not saved (its idle expiry was
    pushed back by the first view, and is again a minute later). Nothing reads the plan's
    rows or its history, nor (for a member) its other versions; the body comes from this
    process's copy or one cache read."""
    client.force_login(people.member)
    url = own.plan.get_absolute_url()
    first = client.get(url).text
    with django_assert_num_queries(3):
        second = client.get(url).text
    assert first.split("<main")[1] == second.split("<main")[1]


def test_this_process_keeps_its_own_copy_of_bodies_it_served(client, people, own, monkeypatch):
    """A key names one version of a body, so the copy kept in the process is never stale:
    the shared cache is not asked again for it, and a write makes a new key."""
    from safeguarding import shared_cache

    client.force_login(people.member)
    url = own.plan.get_absolute_url()
    client.get(url)
    monkeypatch.setattr(shared_cache, "get", lambda key: pytest.fail("asked the shared cache again"))
    assert own.led.description in client.get(url).text
    own.led.description = "Renamed while cached"
    own.led.save()
    monkeypatch.undo()
    assert "Renamed while cached" in client.get(url).text


def test_the_process_s_copies_are_bounded_by_bytes_least_recently_used_first():
    bodies = page_cache._LocalBodies(max_bytes=10)
    bodies.put("a", b"aaaa")
    bodies.put("b", b"bbbb")
    assert bodies.get("a") == b"aaaa"  # "b" is now the least recently used
    bodies.put("c", b"cccc")
    assert (bodies.get("a"), bodies.get("b"), bodies.get("c")) == (b"aaaa", None, b"cccc")
    bodies.put("big", b"x" * 11)  # larger than the whole budget: not kept
    assert bodies.get("big") is None and bodies.get("c") == b"cccc"


def test_the_process_s_copies_expire_with_the_shared_ones(settings, monkeypatch):
    bodies = page_cache._LocalBodies(max_bytes=100)
    bodies.put("a", b"aaaa")
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + settings.CACHE_SECONDS + 1)
    assert bodies.get("a") is None


@pytest.mark.parametrize(
    "change",
    [
        "progress via the app",
        "action saved",
        "new action",
        "evidence added",
        "objective deleted",
        "sub-committee renamed",
    ],
)
def test_every_change_shows_at_once(client, people, own, change):
    client.force_login(people.chair)
    url = own.plan.get_absolute_url()
    client.get(url)
    if change == "progress via the app":
        data = {**quick_update_data(own.led), f"action-{own.led.pk}-text": "Fresh progress note"}
        client.post(reverse("plans:action_update", args=[own.led.pk]), data)
        expected = "Fresh progress note"
    elif change == "action saved":
        own.led.description = "Renamed action"
        own.led.save()
        expected = "Renamed action"
    elif change == "new action":
        ActionFactory(objective=own.objective, position=9, description="Brand new action")
        expected = "Brand new action"
    elif change == "evidence added":
        EvidenceSourceFactory(objective=own.objective, text="Ofsted letter 2026")
        expected = "Ofsted letter 2026"
    elif change == "objective deleted":
        own.objective.delete()
        page = client.get(url).text
        assert own.led.description not in page
        return
    else:
        own.led.lead_sub_committee.name = "Renamed Sub-committee"
        own.led.lead_sub_committee.save()
        expected = "Renamed Sub-committee"
    assert expected in client.get(url).text


def test_the_key_follows_the_plan_s_content_version(people, own):
    from plans.access import get_plan_for_user

    plan, _ = get_plan_for_user(people.member, own.plan.pk)
    before = page_cache.body_key(plan, False, "", datetime.date(2026, 11, 23))
    ProgressUpdateFactory(action=own.led)
    plan, _ = get_plan_for_user(people.member, own.plan.pk)
    assert page_cache.body_key(plan, False, "", datetime.date(2026, 11, 23)) != before


def test_the_body_is_kept_in_the_shared_cache(client, people, own):
    """Django's cache framework (Redis in production), not a per-process dictionary."""
    from django.core.cache import cache

    from plans.access import get_plan_for_user

    client.force_login(people.member)
    client.get(own.plan.get_absolute_url())
    plan, _ = get_plan_for_user(people.member, own.plan.pk)
    stored = cache.get(page_cache.body_key(plan, False, "", datetime.date(2026, 11, 23)))
    assert own.led.description.encode() in stored  # UTF-8 bytes, joined into the response as they are


def test_clear_removes_only_plan_bodies(client, people, own):
    from django.core.cache import cache

    cache.set("something-else", "kept")
    client.force_login(people.member)
    client.get(own.plan.get_absolute_url())
    page_cache.clear()
    assert cache.get("something-else") == "kept"
    cache.delete("something-else")


def test_with_the_cache_down_the_page_renders_at_once(client, people, own, settings):
    """Redis down: every plan page still answers, without waiting on Redis each time."""
    import time

    from safeguarding import shared_cache
    from tests.servers import free_port

    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        },
    }
    try:
        client.force_login(people.member)
        assert own.led.description in client.get(own.plan.get_absolute_url()).text
        started = time.monotonic()
        for _ in range(3):
            assert own.led.description in client.get(own.plan.get_absolute_url()).text
        assert time.monotonic() - started < 1.5  # not 3 × connect timeouts
    finally:
        shared_cache.reset_outage()


def test_managers_and_readers_get_their_own_body(client, people, own):
    client.force_login(people.member)
    assert "Edit priority area" not in client.get(own.plan.get_absolute_url()).text
    client.force_login(people.manager)
    assert "Edit priority area" in client.get(own.plan.get_absolute_url()).text


def test_overdue_tags_follow_the_date(client, people, own):
    client.force_login(people.member)
    url = own.plan.get_absolute_url()
    assert "Overdue</strong>" not in client.get(url).text
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, 0), tick=False):
        client.force_login(people.member)
        assert "Overdue</strong>" in client.get(url).text


def test_a_view_arriving_while_another_process_renders_waits_for_its_body(client, people, own, monkeypatch):
    """After a write, views arriving together render the new version once, not each."""
    import threading

    from plans.access import get_plan_for_user

    plan, _ = get_plan_for_user(people.member, own.plan.pk)
    key = page_cache.body_key(plan, False, "", datetime.date(2026, 11, 23))
    assert page_cache.claim_render(key)  # "another process" is rendering it
    threading.Timer(0.3, page_cache.put, args=[key, "<p>Rendered by the other process</p>"]).start()
    monkeypatch.setattr(page_body, "render_body", lambda *args: pytest.fail("rendered twice"))
    client.force_login(people.member)
    assert "Rendered by the other process" in client.get(own.plan.get_absolute_url()).text
    page_cache.release_render(key)


def test_a_claim_whose_render_never_comes_only_costs_the_wait(client, people, own, monkeypatch):
    from plans.access import get_plan_for_user

    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 0.3)
    plan, _ = get_plan_for_user(people.member, own.plan.pk)
    key = page_cache.body_key(plan, False, "", datetime.date(2026, 11, 23))
    assert page_cache.claim_render(key)  # a process that died while rendering
    client.force_login(people.member)
    assert own.led.description in client.get(own.plan.get_absolute_url()).text
    assert page_cache.get(key) is not None
    page_cache.release_render(key)


def _member_key(people, own) -> str:
    from plans.access import get_plan_for_user

    plan, _ = get_plan_for_user(people.member, own.plan.pk)
    return page_cache.body_key(plan, False, "", datetime.date(2026, 11, 23))


def test_a_reader_arriving_while_another_process_renders_a_change_gets_the_page_as_it_was(
    client, people, own, monkeypatch
):
    """Stale while the new version is drawn: the reader is not kept waiting (and nothing is
    rendered twice); the next view, once it is drawn, shows the change."""

    client.force_login(people.member)
    url = own.plan.get_absolute_url()
    assert own.led.description in client.get(url).text  # version 1 drawn and remembered
    own.led.description = "Renamed while the reader looks"
    own.led.save()
    new_key = _member_key(people, own)
    assert page_cache.claim_render(new_key)  # "another process" is drawing the new version
    monkeypatch.setattr(page_body, "render_body", lambda *args: pytest.fail("rendered twice"))
    monkeypatch.setattr(page_cache, "wait_for_render", lambda key: pytest.fail("the reader waited"))
    page = client.get(url).text
    assert "Renamed while the reader looks" not in page
    assert own.unled.description in page
    page_cache.put(new_key, "<p>Renamed while the reader looks, drawn by the other process</p>")
    page_cache.release_render(new_key)
    assert "drawn by the other process" in client.get(url).text


def test_someone_who_has_written_waits_for_the_new_version_instead(client, people, own, monkeypatch):
    import threading

    client.force_login(people.chair)
    url = own.plan.get_absolute_url()
    client.get(url)  # the chair's role's version 1 drawn and remembered
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-text": "The chair's own note"}
    assert client.post(reverse("plans:action_update", args=[own.led.pk]), data).status_code == 302
    from plans.access import get_plan_for_user

    plan, access = get_plan_for_user(people.chair, own.plan.pk)
    new_key = page_cache.body_key(plan, access.can_edit, "", datetime.date(2026, 11, 23))
    assert page_cache.claim_render(new_key)  # another process is drawing the chair's change
    threading.Timer(0.3, page_cache.put, args=[new_key, "<p>The chair's own note, drawn</p>"]).start()
    assert "The chair's own note, drawn" in client.get(url).text
    page_cache.release_render(new_key)


def test_the_previous_version_is_never_one_of_another_family(client, people, own):
    """Another role's, day's or filter's body is never served as the previous version."""
    client.force_login(people.manager)
    client.get(own.plan.get_absolute_url())  # the managers' body, version 1
    client.get(own.plan.get_absolute_url() + "?rag=amber")  # a filtered one
    assert page_cache.previous(_member_key(people, own)) is None


def test_writes_are_remembered_in_the_session_and_reads_are_not(client, people, own):
    from safeguarding.middleware import HAS_WRITTEN

    client.force_login(people.chair)
    client.get(own.plan.get_absolute_url())
    assert HAS_WRITTEN not in client.session
    client.post(reverse("plans:action_update", args=[own.led.pk]), quick_update_data(own.led))
    assert client.session[HAS_WRITTEN] is True
