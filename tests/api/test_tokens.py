"""Personal access tokens: made on the token page, shown once, stored hashed, scoped,
revocable, expiring; every role on the pages; the security log without secrets."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from api.models import TOKEN_PREFIX, ApiToken, TokenAccess
from tests.api.conftest import api_client, make_token

pytestmark = pytest.mark.django_db


def _create(client, people, **overrides):
    data = {"name": "Power BI dashboard", "boards": [people.board.pk], "access": "read", "lifetime": "90"}
    data.update(overrides)
    return client.post(reverse("api:token_create"), data)


def _secret_in(response) -> str:
    match = re.search(r">(sbp_[A-Za-z0-9_-]+)</textarea>", response.content.decode())
    assert match, "the new token is shown on the page"
    return match.group(1)


def test_token_pages_need_sign_in(client):
    for name in ("api:tokens", "api:token_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_made_shown_once_and_stored_hashed(client, people, caplog):
    client.force_login(people.member)
    assert client.get(reverse("api:token_create")).status_code == 200
    with caplog.at_level(logging.INFO, logger="safeguarding.security"):
        response = _create(client, people)
    assert response.status_code == 200
    secret = _secret_in(response)
    assert secret.startswith(TOKEN_PREFIX) and len(secret) > 40
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values_list())
    assert list(token.boards.all()) == [people.board]
    assert token.access == TokenAccess.READ
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)
    assert "api-token-created" in caplog.text and secret not in caplog.text
    # The list shows the hint, never the secret again.
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Power BI dashboard" in listing and f"sbp_{token.hint}…" in listing
    assert secret not in listing
    # It works.
    assert api_client(secret).get(reverse("api:boards")).status_code == 200


def test_only_the_users_own_boards_can_be_chosen(client, people):
    client.force_login(people.member)
    response = _create(client, people, boards=[people.other_board.pk])
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "   "}, "Enter a name for the token"),
        ({"boards": []}, "Choose at least one board"),
        ({"access": ""}, "Choose what the token may do"),
        ({"lifetime": "9999"}, "Select a valid choice"),
        ({"name": "x" * 101}, "Name must be 100 characters or fewer"),
    ],
)
def test_bad_input_keeps_the_form_and_writes_nothing(client, people, overrides, message):
    client.force_login(people.manager)
    response = _create(client, people, **overrides)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    assert not ApiToken.objects.exists()


def test_revoke_stops_it_at_once(client, people, caplog):
    client.force_login(people.manager)
    secret = _secret_in(_create(client, people))
    token = ApiToken.objects.get()
    assert client.get(reverse("api:token_revoke", args=[token.pk])).status_code == 405
    with caplog.at_level(logging.INFO, logger="safeguarding.security"):
        response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.state == "Revoked"
    assert "api-token-revoked" in caplog.text
    assert api_client(secret).get(reverse("api:boards")).status_code == 401
    page = client.get(reverse("api:tokens")).content.decode()
    assert "Revoked and expired tokens" in page


def test_nobody_revokes_another_users_token(client, people):
    secret = make_token(people.manager, [people.board])
    token = ApiToken.objects.get()
    for user in (people.outsider, people.member):
        client.force_login(user)
        assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_client(secret).get(reverse("api:boards")).status_code == 200


def test_expiry(people):
    secret = make_token(people.member, [people.board], days=30)
    client = api_client(secret)
    assert client.get(reverse("api:boards")).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 12, 23, 9, 1), tick=False):
        response = client.get(reverse("api:boards"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_inactive_user_and_unknown_or_malformed_tokens_are_refused(people, caplog):
    secret = make_token(people.member, [people.board])
    for header in (f"Bearer {secret}x", "Bearer", f"Bearer {secret} extra", "Bearer sbp_", f"Token {secret}"):
        response = Client(HTTP_AUTHORIZATION=header).get(reverse("api:boards"))
        assert response.status_code == 401, header
    people.member.is_active = False
    people.member.save()
    with caplog.at_level(logging.WARNING, logger="safeguarding.security"):
        assert api_client(secret).get(reverse("api:boards")).status_code == 401
    assert "api-token-refused" in caplog.text and secret not in caplog.text


def test_session_cookies_are_not_api_credentials(client, people, own_world):
    """The API takes tokens only: a signed-in browser cannot be made to write through it."""
    client.force_login(people.manager)
    assert client.get(reverse("api:boards")).status_code == 401
    response = client.post(
        reverse("api:progress_updates", args=[own_world.plan.led.pk]),
        {"text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(people):
    secret = make_token(people.member, [people.board])
    client = api_client(secret)
    client.get(reverse("api:boards"))
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, 30), tick=False):
        client.get(reverse("api:boards"))
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 2), tick=False):
        client.get(reverse("api:boards"))
    assert ApiToken.objects.get().last_used_at > first


def test_the_token_page_is_linked_from_every_signed_in_page(client, people):
    client.force_login(people.member)
    page = client.get(reverse("boards:home")).content.decode()
    assert reverse("api:tokens") in page


def test_refusals_are_logged_without_the_token(people, own_world, other_world, caplog):
    member = make_token(people.member, [people.board])
    with caplog.at_level(logging.WARNING, logger="safeguarding.security"):
        api_client(member).get(reverse("api:action", args=[other_world.plan.led.pk]))
        api_client(member).post(
            reverse("api:progress_updates", args=[own_world.plan.led.pk]),
            {"text": "x"},
            content_type="application/json",
        )
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("api-refused")]
    assert lines[0].startswith(f"api-refused status=404 user={people.member.username}")
    assert lines[1].startswith(f"api-refused status=403 user={people.member.username}")
    assert member not in caplog.text
