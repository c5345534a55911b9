"""A signed-in user changes their password: the current one is asked for, the new
one must pass the validators, and other sessions end while this one stays."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = "correct horse battery staple"
NEW = "plum kettle orbit lantern"


@pytest.fixture
def user():
    user = UserFactory(username="maria", email="maria@example.org")
    user.set_password(OLD)
    user.save()
    return user


def change(client, current: str, new: str, confirm: str | None = None):
    return client.post(
        reverse("password_change"),
        {"old_password": current, "new_password1": new, "new_password2": confirm or new},
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_password_changes_and_other_sessions_end(client, user):
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)
    response = change(client, OLD, NEW)
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(reverse("boards:home")).status_code == 200  # this session kept
    assert elsewhere.get(reverse("boards:home")).status_code == 302  # the other one signed out


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong", NEW, None, "Your current password is not right"),
        (OLD, "short", None, "This password is too short"),
        (OLD, NEW, "something else", "The two password fields didn"),
        ("", NEW, None, "Enter your current password."),
    ],
    ids=["wrong current password", "too short", "confirmation differs", "no current password"],
)
def test_a_refused_change_says_why_and_keeps_the_old_password(client, user, current, new, confirm, message):
    client.force_login(user)
    response = change(client, current, new, confirm)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_the_footer_links_to_it_when_signed_in(client, user):
    assert reverse("password_change") not in client.get(reverse("login")).text
    client.force_login(user)
    assert reverse("password_change") in client.get(reverse("boards:home")).text
