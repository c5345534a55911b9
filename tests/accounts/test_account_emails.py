"""Password-reset and invitation e-mails (#15.4): limited per address and per client,
sent by the worker, and the request looks the same for known and unknown addresses."""

import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import outbox
from accounts.throttling import TOO_MANY_EMAILS
from boards.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list:
    """What the web request hands to the worker (and nothing is sent here)."""
    calls: list = []
    monkeypatch.setattr(outbox, "send_email_later", lambda name, args: calls.append((name, args)))
    return calls


def ask_for_reset(client, email: str, ip: str = "10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_known_and_unknown_addresses_do_the_same_work_in_the_request(client, queued):
    UserFactory(username="maria", email="maria@example.org")
    with CaptureQueriesContext(connection) as known:
        assert ask_for_reset(client, "maria@example.org").status_code == 302
    with CaptureQueriesContext(connection) as unknown:
        assert ask_for_reset(client, "nobody@example.org").status_code == 302
    assert len(known) == len(unknown)  # no account lookup in the request
    assert queued == [
        (outbox.SEND_PASSWORD_RESET, ["maria@example.org"]),
        (outbox.SEND_PASSWORD_RESET, ["nobody@example.org"]),
    ]


def test_reset_emails_are_limited_per_address(client, settings, queued):
    settings.EMAIL_RATE_PER_ADDRESS = "2/h"
    for ip in ("10.0.0.1", "10.0.0.2"):
        assert ask_for_reset(client, "maria@example.org", ip).status_code == 302
    response = ask_for_reset(client, "MARIA@example.org", "10.0.0.3")
    assert response.status_code == 429 and TOO_MANY_EMAILS in response.text
    assert len(queued) == 2
    assert ask_for_reset(client, "other@example.org", "10.0.0.3").status_code == 302


def test_reset_emails_are_limited_per_client_address(client, settings, queued):
    settings.EMAIL_RATE_PER_IP = "3/h"
    for n in range(3):
        assert ask_for_reset(client, f"person{n}@example.org").status_code == 302
    assert ask_for_reset(client, "person9@example.org").status_code == 429
    assert ask_for_reset(client, "person9@example.org", ip="10.0.0.9").status_code == 302
    assert len(queued) == 4


def test_invitations_are_limited_per_invited_address(client, people, settings, queued):
    settings.EMAIL_RATE_PER_ADDRESS = "2/h"
    client.force_login(people.manager)
    url = reverse("accounts:invitations", args=[people.board.slug])
    data = {"email": "nia.reed@example.org", "role": Role.MEMBER, "job_title": ""}
    assert client.post(url, data).status_code == 302
    assert (
        client.post(
            reverse("accounts:invitation_resend", args=[people.board.slug, people.board.invitations.get().pk])
        ).status_code
        == 302
    )
    response = client.post(url, data)
    assert response.status_code == 429 and TOO_MANY_EMAILS in response.text
    assert [name for name, _ in queued] == [outbox.SEND_INVITATION, outbox.SEND_INVITATION]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_reset_link(client, tmp_path, monkeypatch):
    from tests.celery_worker import running_worker

    monkeypatch.setattr(outbox, "send_email_later", ORIGINAL_SEND_LATER)
    UserFactory(username="maria", email="maria@example.org")
    sent = tmp_path / "sent"
    # django-environ drops one slash of filemail:///<absolute path>.
    with running_worker(extra_env={"EMAIL_URL": f"filemail:///{sent}"}):
        assert ask_for_reset(client, "maria@example.org").status_code == 302
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (sent.exists() and any(sent.iterdir())):
            time.sleep(0.2)
    [message] = list(Path(sent).iterdir())
    body = message.read_text()
    assert "maria@example.org" in body and "/accounts/password-reset/" in body


ORIGINAL_SEND_LATER = outbox.send_email_later
