"""Signing in with an e-mail address or a username; throttling; session timeouts."""

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_sign_in_with_email_address_in_any_case(client):
    user = UserFactory(username="mhughes", email="Maria.Hughes@sunderland.gov.uk")
    response = sign_in(client, "  maria.hughes@SUNDERLAND.gov.uk ")
    assert response.status_code == 302
    assert response.url == reverse("boards:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_with_username_still_works(client):
    user = UserFactory(username="mhughes")
    assert sign_in(client, "mhughes").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("login", ["mhughes", "mhughes@example.org", "nobody@example.org", "nobody"])
def test_wrong_password_or_unknown_login_gets_the_same_generic_message(client, login):
    UserFactory(username="mhughes", email="mhughes@example.org")
    response = sign_in(client, login, "not the password at all")
    assert response.status_code == 200
    assert "Enter a correct e-mail address (or username) and password" in response.text
    assert "_auth_user_id" not in client.session


def test_an_address_shared_by_two_accounts_signs_in_neither(client):
    """Legacy duplicates cannot be told apart, so the address is refused (the username still works)."""
    UserFactory(username="first", email="shared@example.org")
    UserFactory(username="second", email="SHARED@example.org")
    assert sign_in(client, "shared@example.org").status_code == 200
    assert sign_in(client, "second").status_code == 302


def test_inactive_user_cannot_sign_in_by_email(client):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    assert sign_in(client, "gone@example.org").status_code == 200


def test_sign_in_page_labels_the_field_and_links_to_password_reset(client):
    response = client.get(reverse("login"))
    assert "E-mail address or username" in response.text
    assert reverse("password_reset") in response.text


def test_lockout_counts_case_variants_of_an_address_together(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="maria", email="maria@example.org")
    for variant in [
        "maria@example.org",
        "MARIA@example.org",
        "Maria@Example.org",
        "maria@EXAMPLE.org",
        "MaRiA@example.org",
    ]:
        sign_in(client, variant, "wrong", REMOTE_ADDR="10.0.0.7")
    response = sign_in(client, "maria@example.org", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_applies_to_email_sign_in(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="maria", email="maria@example.org")
    for _ in range(5):
        sign_in(client, "maria@example.org", "wrong", REMOTE_ADDR="10.0.0.8")
    assert sign_in(client, "maria@example.org", REMOTE_ADDR="10.0.0.8").status_code == 429
    # Another account from the same IP is not locked (the address's own limit is higher).
    UserFactory(username="other", email="other@example.org")
    assert sign_in(client, "other@example.org", REMOTE_ADDR="10.0.0.8").status_code == 302


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com", "javascript:alert(1)"],
)
def test_next_cannot_redirect_off_site(client, next_url):
    UserFactory(username="maria")
    response = client.post(reverse("login"), {"username": "maria", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("boards:home")


def test_next_to_a_page_of_this_site_is_followed(client):
    UserFactory(username="maria")
    response = client.post(
        reverse("login"), {"username": "maria", "password": PASSWORD, "next": "/boards/x/"}
    )
    assert response.url == "/boards/x/"


def test_session_ends_after_the_idle_timeout_and_activity_extends_it(client, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
    UserFactory(username="maria")
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        sign_in(client, "maria")
    # Active every 20 minutes: each request pushes the expiry back.
    for minute in (20, 40, 59):
        with time_machine.travel(f"2026-11-23 09:{minute:02d}Z", tick=False):
            assert client.get(reverse("boards:home")).status_code == 200
    # 31 minutes without a request: the session is over.
    with time_machine.travel("2026-11-23 10:31Z", tick=False):
        response = client.get(reverse("boards:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_idle_expiry_is_pushed_back_at_most_once_a_minute(client, settings):
    """One session write a minute instead of one a request; the idle timeout holds to the minute."""
    from django.contrib.sessions.models import Session

    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.SESSION_REFRESH_SECONDS = 60
    UserFactory(username="maria")
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        sign_in(client, "maria")
        client.get(reverse("boards:home"))
    key = client.session.session_key

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    first = expiry()
    with time_machine.travel("2026-11-23 09:00:30Z", tick=False):
        assert client.get(reverse("boards:home")).status_code == 200
    assert expiry() == first  # 30 s later: not written
    with time_machine.travel("2026-11-23 09:01:05Z", tick=False):
        assert client.get(reverse("boards:home")).status_code == 200
    assert expiry() > first  # a minute later: pushed back
    # 30 minutes after that last push the session is over, however many reads came between.
    with time_machine.travel("2026-11-23 09:31:30Z", tick=False):
        response = client.get(reverse("boards:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
