"""Managers invite people to their board by e-mail; the invitee accepts."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts import invitations
from accounts.invitations import hash_token
from accounts.models import Invitation
from boards.models import Membership, Role
from tests.accounts.factories import InvitationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "plum orchard lantern 42"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://planner.example.org"


def invitations_url(board):
    return reverse("accounts:invitations", kwargs={"slug": board.slug})


def accept_path(message) -> str:
    match = re.search(r"https://planner\.example\.org(/accounts/invitations/[\w-]+/)", message.body)
    assert match, message.body
    return match.group(1)


def invite(client, people, email="new.person@example.org", role=Role.CHAIR):
    client.force_login(people.manager)
    response = client.post(invitations_url(people.board), {"email": email, "role": role})
    client.logout()
    return response


def test_manager_invites_and_a_new_person_creates_an_account(client, people):
    client.force_login(people.manager)
    response = client.post(
        invitations_url(people.board),
        {"email": "New.Person@Example.org", "role": Role.CHAIR, "job_title": "Head of Quality"},
    )
    client.logout()
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@example.org"
    assert invitation.role == Role.CHAIR and invitation.invited_by == people.manager
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=14)

    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert message.subject == f"You are invited to join {people.board.name}"
    path = accept_path(message)
    token = path.rstrip("/").rsplit("/", 1)[1]
    html = message.alternatives[0][0]
    assert f'href="https://planner.example.org{path}"' in html
    # Only the hash of the token is stored.
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash

    page = client.get(path)
    assert page.status_code == 200
    assert f"Join {people.board.name}" in page.text
    assert "at least 12 characters" in page.text

    # A weak password is refused and what was typed (but the password) is kept.
    weak = client.post(
        path, {"first_name": "Nia", "last_name": "Reed", "password1": "password", "password2": "password"}
    )
    assert weak.status_code == 200
    assert "There is a problem" in weak.text and 'value="Nia"' in weak.text
    assert not get_user_model().objects.filter(email="new.person@example.org").exists()
    missing = client.post(path, {"first_name": "", "last_name": "Reed", "password1": "", "password2": ""})
    assert "Enter your first name." in missing.text and "Enter a password." in missing.text
    assert 'value="Reed"' in missing.text

    done = client.post(
        path, {"first_name": "Nia", "last_name": "Reed", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert done.status_code == 302 and done.url == people.board.get_absolute_url()
    user = get_user_model().objects.get(email="new.person@example.org")
    assert user.get_full_name() == "Nia Reed" and user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user, board=people.board)
    assert (membership.role, membership.job_title) == (Role.CHAIR, "Head of Quality")
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.accepted_by == user
    # Signed in straight away.
    assert client.get(people.board.get_absolute_url()).status_code == 200

    # The link works once.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "This invitation has been used" in again.text
    # And the new person signs in with their address.
    assert (
        client.post(
            reverse("login"), {"username": "NEW.person@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_existing_user_signs_in_then_accepts(client, people):
    existing = UserFactory(username="kay", email="kay@example.org")
    invite(client, people, email="KAY@example.org", role=Role.MEMBER)
    path = accept_path(mail.outbox[0])

    page = client.get(path)
    assert page.status_code == 200
    assert "Sign in to join" in page.text
    assert f"{reverse('login')}?next={path}" in page.text.replace("%2F", "/")
    assert not Membership.objects.filter(user=existing, board=people.board).exists()

    signed_in = client.post(
        reverse("login"),
        {"username": "kay@example.org", "password": "correct horse battery staple", "next": path},
    )
    assert signed_in.url == path
    assert "Accept and join the board" in client.get(path).text
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=existing, board=people.board).role == Role.MEMBER
    assert Invitation.objects.get().accepted_by == existing


def test_existing_member_keeps_their_role(client, people):
    invitation = InvitationFactory(
        board=people.board, email=people.member.email, role=Role.MANAGER, token="t-member"
    )
    Membership.objects.filter(user=people.member, board=people.board).update(role=Role.EXECUTIVE)
    client.force_login(people.member)
    response = client.post(reverse("accept_invitation", kwargs={"token": "t-member"}), follow=True)
    assert "your role (executive) is unchanged" in response.text
    assert Membership.objects.get(user=people.member, board=people.board).role == Role.EXECUTIVE
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_someone_signed_in_with_another_address_cannot_accept(client, people):
    InvitationFactory(board=people.board, email="kay@example.org", token="t-kay")
    client.force_login(people.outsider)
    url = reverse("accept_invitation", kwargs={"token": "t-kay"})
    assert client.get(url).status_code == 403
    response = client.post(url)
    assert response.status_code == 403
    assert "different e-mail address" in response.text
    assert not Membership.objects.filter(user=people.outsider, board=people.board).exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, 410, "This invitation has expired"),
        ({"revoked_at": timezone.now()}, 410, "This invitation was withdrawn"),
        ({"accepted_at": timezone.now()}, 410, "This invitation has been used"),
    ],
)
def test_unusable_links_get_a_clear_page_and_change_nothing(client, people, change, status, text):
    InvitationFactory(board=people.board, email="kay@example.org", token="t-bad", **change)
    url = reverse("accept_invitation", kwargs={"token": "t-bad"})
    users_before = get_user_model().objects.count()
    for response in (
        client.get(url),
        client.post(url, {"first_name": "K", "last_name": "P", "password1": PASSWORD, "password2": PASSWORD}),
    ):
        assert response.status_code == status
        assert text in response.text
    assert get_user_model().objects.count() == users_before
    assert not Membership.objects.filter(user__email="kay@example.org").exists()


def test_unknown_token_is_404_with_a_clear_page(client, people):
    response = client.get(reverse("accept_invitation", kwargs={"token": "no-such-token"}))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.text


def test_invitation_expires_after_14_days(client, people):
    with time_machine.travel("2026-11-01 09:00Z", tick=False):
        invite(client, people, email="late@example.org")
    path = accept_path(mail.outbox[0])
    with time_machine.travel("2026-11-15 08:59Z", tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel("2026-11-15 09:01Z", tick=False):
        assert client.get(path).status_code == 410


def test_resend_renews_the_link_and_the_old_one_stops_working(client, people):
    invite(client, people, email="kay@example.org")
    old_path = accept_path(mail.outbox[0])
    invitation = Invitation.objects.get()
    client.force_login(people.manager)
    url = reverse("accounts:invitation_resend", kwargs={"slug": people.board.slug, "pk": invitation.pk})
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    new_path = accept_path(mail.outbox[1])
    client.logout()
    assert new_path != old_path
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_inviting_the_same_address_again_renews_the_one_pending_invitation(client, people):
    invite(client, people, email="kay@example.org", role=Role.MEMBER)
    invite(client, people, email="Kay@example.org", role=Role.CHAIR)
    invitation = Invitation.objects.get()
    assert invitation.role == Role.CHAIR
    assert client.get(accept_path(mail.outbox[0])).status_code == 404
    assert client.get(accept_path(mail.outbox[1])).status_code == 200


def test_revoke_withdraws_the_link(client, people):
    invite(client, people, email="kay@example.org")
    path = accept_path(mail.outbox[0])
    invitation = Invitation.objects.get()
    client.force_login(people.manager)
    url = reverse("accounts:invitation_revoke", kwargs={"slug": people.board.slug, "pk": invitation.pk})
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    listing = client.get(invitations_url(people.board))
    assert "Withdrawn" in listing.text
    client.logout()
    response = client.get(path)
    assert response.status_code == 410 and "withdrawn" in response.text
    # Once withdrawn, the address can be invited afresh.
    invite(client, people, email="kay@example.org")
    assert Invitation.objects.filter(email="kay@example.org").count() == 2


def test_inviting_an_existing_member_is_refused(client, people):
    client.force_login(people.manager)
    response = client.post(
        invitations_url(people.board), {"email": people.member.email.upper(), "role": Role.MEMBER}
    )
    assert response.status_code == 200
    assert "already a member of this board" in response.text
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "", "role": Role.MEMBER}, "Enter the e-mail address"),
        ({"email": "not-an-address", "role": Role.MEMBER}, "Enter an e-mail address in the correct format"),
        ({"email": "a@example.org", "role": "superuser"}, "Select a valid choice"),
        (
            {"email": "<script>alert(1)</script>@x.org", "role": Role.MEMBER},
            "Enter an e-mail address in the correct format",
        ),
    ],
)
def test_bad_invitation_input_is_refused_and_kept(client, people, data, error):
    client.force_login(people.manager)
    response = client.post(invitations_url(people.board), data)
    assert response.status_code == 200
    assert error in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert not Invitation.objects.exists() and not mail.outbox


@pytest.mark.parametrize("role", ["chair", "member", "executive"])
def test_only_the_boards_managers_may_invite(client, people, role):
    client.force_login(getattr(people, role))
    assert client.get(invitations_url(people.board)).status_code == 403
    response = client.post(invitations_url(people.board), {"email": "x@example.org", "role": Role.MANAGER})
    assert response.status_code == 403
    assert not Invitation.objects.exists() and not mail.outbox


def test_outsider_gets_404_and_anonymous_is_sent_to_sign_in(client, people):
    client.force_login(people.outsider)  # a manager, but of another board
    assert client.get(invitations_url(people.board)).status_code == 404
    assert (
        client.post(invitations_url(people.board), {"email": "x@example.org", "role": "member"}).status_code
        == 404
    )
    client.logout()
    response = client.post(invitations_url(people.board), {"email": "x@example.org", "role": "member"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Invitation.objects.exists() and not mail.outbox


def test_another_boards_invitation_cannot_be_resent_or_revoked_through_this_board(client, people):
    """A tampered id: the manager of SSCB posts the id of LSCB's invitation under SSCB's address."""
    theirs = InvitationFactory(board=people.other_board, invited_by=people.outsider)
    client.force_login(people.manager)
    for name in ("accounts:invitation_resend", "accounts:invitation_revoke"):
        url = reverse(name, kwargs={"slug": people.board.slug, "pk": theirs.pk})
        assert client.post(url).status_code == 404
        # And through the other board's address it is the outsider's board: 404 for us.
        url = reverse(name, kwargs={"slug": people.other_board.slug, "pk": theirs.pk})
        assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and not mail.outbox


def test_invitation_list_query_count_is_fixed(client, people, django_assert_max_num_queries):
    """Who invited and who accepted are joined in, not loaded row by row."""
    client.force_login(people.manager)
    InvitationFactory(board=people.board, invited_by=people.manager)
    with django_assert_max_num_queries(9):
        client.get(invitations_url(people.board))
    for _ in range(10):
        InvitationFactory(
            board=people.board,
            invited_by=UserFactory(),
            accepted_by=UserFactory(),
            accepted_at=timezone.now(),
        )
    with django_assert_max_num_queries(9):
        assert client.get(invitations_url(people.board)).status_code == 200


def test_membership_of_the_accepting_user_on_another_board_is_untouched(client, people):
    InvitationFactory(board=people.board, email=people.outsider.email, role=Role.MEMBER, token="t-out")
    client.force_login(people.outsider)
    client.post(reverse("accept_invitation", kwargs={"token": "t-out"}))
    roles = dict(Membership.objects.filter(user=people.outsider).values_list("board__short_name", "role"))
    assert roles == {"LSCB": Role.MANAGER, "SSCB": Role.MEMBER}


def test_an_invitation_that_cannot_be_saved_twice_raises_and_sends_nothing(people, monkeypatch):
    """Both attempts losing the race (the unique constraint refusing the row each time) is
    an error: before, the function went on to queue an e-mail for an invitation it never
    saved (here it failed on ``None.pk``)."""

    def refuse(**fields):
        raise IntegrityError("duplicate pending invitation")

    queued = []
    monkeypatch.setattr(Invitation.objects, "create", refuse)
    monkeypatch.setattr(invitations.outbox, "send_email_later", lambda *args: queued.append(args))
    with pytest.raises(IntegrityError):
        invitations.invite(people.board, "kay@example.org", Role.MEMBER, people.manager)
    assert queued == []
    assert not Invitation.objects.filter(email="kay@example.org").exists()
