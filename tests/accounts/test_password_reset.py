"""Password reset by e-mail, end to end through Django's mail outbox."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum orchard lantern 42"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://planner.example.org"


def reset_link(message) -> str:
    match = re.search(
        r"https://planner\.example\.org(/accounts/password-reset/[^/\s]+/[^/\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def test_reset_e_mail_has_subject_text_and_html_with_absolute_links(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example.com"]  # as if a proxy let any Host through
    UserFactory(username="maria", email="maria@example.org", first_name="Maria", last_name="Hughes")
    response = client.post(
        reverse("password_reset"), {"email": "MARIA@example.org"}, HTTP_HOST="evil.example.com"
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["maria@example.org"]
    assert message.subject == "Reset your Safeguarding Board Planner password"
    path = reset_link(message)
    assert "Hello Maria Hughes" in message.body
    assert "works once, and for 2 hours" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://planner.example.org{path}"' in html
    # The link comes from SITE_URL, never from the Host header of the request.
    assert "evil.example.com" not in message.body + html


def test_unknown_address_gets_the_same_answer_and_no_e_mail(client):
    UserFactory(username="maria", email="maria@example.org")
    known = client.post(reverse("password_reset"), {"email": "maria@example.org"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    csrf = re.compile(r'"X-CSRFToken": "[^"]+"')
    assert csrf.sub("", known.text) == csrf.sub("", unknown.text)
    assert len(mail.outbox) == 1


def test_invalid_address_keeps_the_input_and_shows_the_error_summary(client):
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter an e-mail address in the correct format" in response.text
    assert 'value="not an address"' in response.text
    assert "govuk-input--error" in response.text  # the red border, on an e-mail input too
    assert not mail.outbox


def test_link_sets_a_new_password_once(client):
    user = UserFactory(username="maria", email="maria@example.org")
    client.post(reverse("password_reset"), {"email": "maria@example.org"})
    path = reset_link(mail.outbox[0])

    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert "Choose a new password" in page.text
    # The rules in force are shown on the page.
    assert "at least 12 characters" in page.text
    assert "commonly used password" in page.text
    set_password_url = page.redirect_chain[-1][0]

    too_short = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})
    assert "There is a problem" in too_short.text
    assert "This password is too short" in too_short.text

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The same link again: refused, with a clear page.
    again = client.get(path, follow=True)
    assert "This link no longer works" in again.text
    assert "Choose a new password" not in again.text
    # And the new password signs in with the e-mail address.
    assert (
        client.post(reverse("login"), {"username": "maria@example.org", "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_link_expires(client, settings):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
    user = UserFactory(username="maria", email="maria@example.org")
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        client.post(reverse("password_reset"), {"email": "maria@example.org"})
    path = reset_link(mail.outbox[0])
    with time_machine.travel("2026-11-23 11:01Z", tick=False):
        response = client.get(path, follow=True)
        assert "This link no longer works" in response.text
        # Posting straight to the form's address does not work either.
        uidb64 = path.split("/")[3]
        client.post(
            reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": "set-password"}),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_inactive_and_passwordless_accounts_get_no_e_mail(client):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    nopw = UserFactory(username="nopw", email="nopw@example.org")
    nopw.set_unusable_password()
    nopw.save()
    client.post(reverse("password_reset"), {"email": "gone@example.org"})
    client.post(reverse("password_reset"), {"email": "nopw@example.org"})
    assert not mail.outbox


def test_resetting_the_password_lifts_a_sign_in_lockout(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="maria", email="maria@example.org")
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "Maria@example.org", "password": "wrong"}, REMOTE_ADDR="10.0.0.5"
        )
    locked = client.post(
        reverse("login"), {"username": "maria@example.org", "password": "wrong"}, REMOTE_ADDR="10.0.0.5"
    )
    assert locked.status_code == 429
    assert reverse("password_reset") in locked.text

    client.post(reverse("password_reset"), {"email": "maria@example.org"})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(
        reverse("login"), {"username": "maria@example.org", "password": NEW_PASSWORD}, REMOTE_ADDR="10.0.0.5"
    )
    assert response.status_code == 302
