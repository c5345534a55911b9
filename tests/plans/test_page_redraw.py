"""After a progress update the worker draws the plan page's new version (plans.page_body.
redraw, sent by plans.page_cache.redraw_after_commit), so readers do not wait for it."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from plans import page_body, page_cache
from plans.access import get_plan_for_user
from tests.plans.test_permissions import quick_update_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    page_cache.clear()
    yield
    page_cache.clear()


def _key(user, plan) -> str:
    plan, access = get_plan_for_user(user, plan.pk)
    return page_cache.body_key(plan, access.can_edit, "", timezone.localdate())


def test_a_quick_update_asks_for_a_redraw_once_it_commits(
    client, people, own, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[tuple] = []
    monkeypatch.setattr(page_cache, "send_after_commit", lambda name, args: sent.append((name, args)))
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-text": "Redraw me"}
    assert client.post(reverse("plans:action_update", args=[own.led.pk]), data).status_code == 302
    assert sent == [(page_cache.REDRAW_TASK, [own.plan.pk])]
    # A failed update (an empty note) asks for nothing.
    sent.clear()
    client.post(reverse("plans:action_update", args=[own.led.pk]), {**data, f"action-{own.led.pk}-text": ""})
    assert sent == []


def test_the_redraw_draws_the_new_version_for_the_roles_that_viewed_it(client, people, own, monkeypatch):
    client.force_login(people.member)
    client.get(own.plan.get_absolute_url())  # members have viewed it (managers have not)
    own.led.description = "Drawn by the worker"
    own.led.save()
    assert page_body.redraw(own.plan.pk) == 1
    assert page_cache.get(_key(people.manager, own.plan)) is None  # nobody viewed the managers' one
    monkeypatch.setattr(page_body, "render_body", lambda *args: pytest.fail("the view drew it again"))
    assert "Drawn by the worker" in client.get(own.plan.get_absolute_url()).text
    assert page_body.redraw(own.plan.pk) == 0  # already drawn: nothing to do


def test_the_redraw_leaves_a_version_someone_is_drawing_and_a_plan_that_is_gone(client, people, own):
    client.force_login(people.member)
    client.get(own.plan.get_absolute_url())
    own.led.save()
    key = _key(people.member, own.plan)
    assert page_cache.claim_render(key)  # a view is drawing it
    assert page_body.redraw(own.plan.pk) == 0
    page_cache.release_render(key)
    assert page_body.redraw(987654) == 0


def test_with_the_cache_down_nothing_is_sent(people, own, monkeypatch, settings):
    from safeguarding import shared_cache

    sent: list = []
    monkeypatch.setattr(page_cache, "send_after_commit", lambda *args: sent.append(args))
    monkeypatch.setattr(shared_cache, "available", lambda: False)
    page_cache.redraw_after_commit(own.plan.pk)
    assert sent == []


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_draws_the_page_after_a_chair_s_update(client, people):
    from django.test import Client

    from tests.celery_worker import running_worker
    from tests.plans.conftest import make_board_plan

    own = make_board_plan(people.board, chair=people.chair)
    reader = Client()
    reader.force_login(people.member)
    with running_worker():
        reader.get(own.plan.get_absolute_url())  # the members' version 1, viewed
        client.force_login(people.chair)
        data = {**quick_update_data(own.led), f"action-{own.led.pk}-text": "Seen without waiting"}
        assert client.post(reverse("plans:action_update", args=[own.led.pk]), data).status_code == 302
        key = _key(people.member, own.plan)
        deadline = time.monotonic() + 60
        while page_cache.get(key) is None:
            assert time.monotonic() < deadline, "the worker did not draw the page within a minute"
            time.sleep(0.2)
    assert "Seen without waiting" in page_cache.get(key).decode()
    assert "Seen without waiting" in reader.get(own.plan.get_absolute_url()).text
