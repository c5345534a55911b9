"""Sign-in throttling cannot be sidestepped (#15.3): per account whatever was typed, per
client address, no reset by a success elsewhere, the real client address behind the
site's own proxies only, and never a lockout longer than a reset by e-mail."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def throttling_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 20


def sign_in(client, username, password=PASSWORD, ip="10.0.0.1", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def test_switching_between_username_and_email_does_not_earn_more_guesses(client):
    UserFactory(username="maria", email="maria@example.org")
    for login in ["maria", "maria@example.org", "MARIA", "Maria@Example.org", "maria"]:
        sign_in(client, login, "wrong")
    assert sign_in(client, "maria@example.org").status_code == 429
    assert sign_in(client, "maria").status_code == 429


def test_an_account_is_counted_across_client_addresses(client):
    UserFactory(username="maria", email="maria@example.org")
    for n in range(5):
        sign_in(client, "maria", "wrong", ip=f"10.0.1.{n}")  # a botnet: one guess per address
    assert sign_in(client, "maria", ip="10.0.1.99").status_code == 429


def test_an_address_is_counted_across_accounts(client):
    for n in range(20):
        UserFactory(username=f"user{n}")
        sign_in(client, f"user{n}", "wrong", ip="10.0.2.1")  # one guess at each of many accounts
    UserFactory(username="next")
    assert sign_in(client, "next", ip="10.0.2.1").status_code == 429
    assert sign_in(client, "next", ip="10.0.2.2").status_code == 302


def test_a_success_on_ones_own_account_does_not_clear_failures_at_another(client):
    UserFactory(username="victim")
    UserFactory(username="attacker")
    for _ in range(4):
        sign_in(client, "victim", "wrong")
    assert sign_in(client, "attacker").status_code == 302
    client.logout()
    sign_in(client, "victim", "wrong")
    assert sign_in(client, "victim").status_code == 429


def test_a_forwarded_for_header_is_ignored_unless_the_site_trusts_its_proxies(client, settings):
    UserFactory(username="maria")
    for n in range(5):
        sign_in(client, "nobody", "wrong", ip="10.0.3.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 5
    # The header was not believed: all five failures count against 10.0.3.1.
    assert sign_in(client, "maria", ip="10.0.3.1", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_behind_one_trusted_proxy_the_client_is_the_address_the_proxy_appended(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 5
    UserFactory(username="maria")
    # A client forges the left-most entries; our proxy (10.0.9.9) appends the real one.
    for n in range(5):
        sign_in(client, "nobody", "wrong", ip="10.0.9.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7")
    assert (
        sign_in(client, "maria", ip="10.0.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").status_code
        == 429
    )
    assert sign_in(client, "maria", ip="10.0.9.9", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_a_lockout_ends_after_the_cool_off(client):
    UserFactory(username="maria")
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        for _ in range(5):
            sign_in(client, "maria", "wrong")
        assert sign_in(client, "maria").status_code == 429
    with time_machine.travel("2026-11-23 09:16Z", tick=False):
        assert sign_in(client, "maria").status_code == 302


def test_a_reset_by_email_clears_the_lockout_and_signs_the_owner_in_however_often_others_fail(client):
    user = UserFactory(username="maria", email="maria@example.org")
    for _ in range(5):
        sign_in(client, "maria", "wrong", ip="10.0.4.1")  # someone else, on purpose
    assert "Too many sign-in attempts" in sign_in(client, "maria", ip="10.0.4.2").text
    client.post(reverse("password_reset"), {"email": "maria@example.org"}, REMOTE_ADDR="10.0.4.2")
    link = re.search(r"https?://[^\s]+/password-reset/[^\s]+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    new = "a brand new passphrase 2026"
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "You are signed in" in response.text
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    assert sign_in(client, "maria", new, ip="10.0.4.2").status_code == 302


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: not from our proxies
    ],
)
def test_client_ip_reads_forwarded_for_from_the_right(rf, settings, trusted, forwarded, expected):
    from accounts.throttling import client_ip

    settings.TRUSTED_PROXY_COUNT = trusted
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
