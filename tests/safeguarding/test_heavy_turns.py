"""Views serving heavy files take turns in each web process (safeguarding.heavy_renders.
heavy_endpoint): a few at once, a few more waiting without using the CPU, the rest 503, so
members looping on files cannot take the interpreter from the pages others are reading."""

from __future__ import annotations

import threading
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from boards.models import Role
from safeguarding import heavy_renders
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def turns(settings):
    settings.HEAVY_REQUESTS_PER_PROCESS = 1
    settings.HEAVY_REQUESTS_WAITING = 1
    settings.HEAVY_REQUEST_WAIT_SECONDS = 5.0
    return settings


def _held_turn() -> tuple[threading.Event, threading.Thread]:
    """A turn held by another request until the returned event is set."""
    release, held = threading.Event(), threading.Event()

    def hold():
        with heavy_renders.request_turn():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(5)
    return release, thread


def test_a_request_waits_for_the_turn_then_is_served(turns):
    served_at = []
    view = heavy_renders.heavy_endpoint(
        lambda request: served_at.append(time.monotonic()) or HttpResponse("file")
    )
    release, holder = _held_turn()
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    response = view(RequestFactory().get("/file"))
    holder.join()
    assert response.status_code == 200 and response.content == b"file"
    assert served_at[0] - started >= 0.25  # it waited for the other request's turn to end


def test_one_waiting_too_many_is_refused_at_once_with_retry_after(turns):
    view = heavy_renders.heavy_endpoint(lambda request: HttpResponse("file"))
    release, holder = _held_turn()
    waiter = threading.Thread(target=view, args=[RequestFactory().get("/file")])
    waiter.start()  # takes the one waiting place
    deadline = time.monotonic() + 5
    while heavy_renders._turns.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    response = view(RequestFactory().get("/file"))
    assert time.monotonic() - started < 3  # not kept the 5 s a waiting request may wait
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Many large files are being downloaded just now." in response.content.decode()
    release.set()
    holder.join()
    waiter.join()


def test_a_turn_that_never_comes_ends_in_503_after_the_wait(turns):
    turns.HEAVY_REQUEST_WAIT_SECONDS = 0.2
    view = heavy_renders.heavy_endpoint(lambda request: HttpResponse("file"))
    release, holder = _held_turn()
    assert view(RequestFactory().get("/file")).status_code == 503
    release.set()
    holder.join()
    assert view(RequestFactory().get("/file")).status_code == 200  # the turn is free again


def test_the_file_views_take_turns(client, turns, people):
    """Plan exports, report PDFs and framework PDFs are served in turn."""
    from frameworks.views import framework_pdf_view
    from meetings.views import report_pdf_view
    from plans.transfer.views import export

    in_turn = heavy_renders.heavy_endpoint(HttpResponse).__code__
    for view in (export, report_pdf_view, framework_pdf_view):
        layers = []
        while view is not None:
            layers.append(view.__code__)
            view = getattr(view, "__wrapped__", None)
        assert in_turn in layers
    turns.HEAVY_REQUEST_WAIT_SECONDS = 0.2
    member = UserFactory()
    MembershipFactory(user=member, board=people.board, role=Role.MEMBER)
    from tests.factories import BusinessPlanFactory

    plan = BusinessPlanFactory(board=people.board)
    client.force_login(member)
    release, holder = _held_turn()
    response = client.get(reverse("plans:transfer:export", args=[plan.pk, "csv"]))
    release.set()
    holder.join()
    assert response.status_code == 503
    assert client.get(reverse("plans:transfer:export", args=[plan.pk, "csv"])).status_code == 200
