"""Board administration by the board's managers: roles, removal, sub-committees.

The permission matrix covers every board-administration URL × every role, and
checks that nothing changed in the database (or the outbox) on a refused write.
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation
from boards.models import Membership, Role, SubCommittee
from tests.accounts.factories import InvitationFactory
from tests.factories import MembershipFactory, SubCommitteeFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "member", "chair", "executive", "manager"]


@pytest.fixture
def objects(people):
    """One object of each kind on the board (and a chair to pick)."""
    return {
        "membership": Membership.objects.get(user=people.member, board=people.board),
        "sub_committee": SubCommitteeFactory(board=people.board, name="Case Review", chair=people.chair),
        "invitation": InvitationFactory(
            board=people.board, email="kay@example.org", invited_by=people.manager
        ),
    }


def snapshot():
    return (
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "board_id", "role", "job_title")),
        list(SubCommittee.objects.order_by("pk").values_list("pk", "board_id", "name", "chair_id")),
        list(
            Invitation.objects.order_by("pk").values_list(
                "pk", "token_hash", "expires_at", "revoked_at", "accepted_at"
            )
        ),
    )


def requests_for(people, objects):
    """(name, method, url, data, status for a manager) for every URL of board administration."""
    slug = people.board.slug
    member, sub, invitation = objects["membership"], objects["sub_committee"], objects["invitation"]

    def url(name, **kwargs):
        # A board's invitations are the accounts app's pages, under the board's address.
        namespace = "accounts" if name.startswith("invitation") else "boards"
        return reverse(f"{namespace}:{name}", kwargs={"slug": slug, **kwargs})

    return [
        ("member_edit", "get", url("member_edit", pk=member.pk), None, 200),
        (
            "member_edit",
            "post",
            url("member_edit", pk=member.pk),
            {"role": "executive", "job_title": "Head"},
            302,
        ),
        ("member_remove", "get", url("member_remove", pk=member.pk), None, 200),
        ("member_remove", "post", url("member_remove", pk=member.pk), {}, 302),
        ("sub_committee_new", "get", url("sub_committee_new"), None, 200),
        (
            "sub_committee_new",
            "post",
            url("sub_committee_new"),
            {"name": "Audit", "chair": people.chair.pk},
            302,
        ),
        ("sub_committee_edit", "get", url("sub_committee_edit", pk=sub.pk), None, 200),
        (
            "sub_committee_edit",
            "post",
            url("sub_committee_edit", pk=sub.pk),
            {"name": "Renamed", "chair": ""},
            302,
        ),
        ("invitations", "get", url("invitations"), None, 200),
        ("invitations", "post", url("invitations"), {"email": "new@example.org", "role": "member"}, 302),
        ("invitation_resend", "get", url("invitation_resend", pk=invitation.pk), None, 405),
        ("invitation_resend", "post", url("invitation_resend", pk=invitation.pk), {}, 302),
        ("invitation_revoke", "get", url("invitation_revoke", pk=invitation.pk), None, 405),
        ("invitation_revoke", "post", url("invitation_revoke", pk=invitation.pk), {}, 302),
    ]


def expected_status(role: str, method: str, manager_status: int) -> int:
    if role == "anonymous":
        return 302  # to sign in
    if manager_status == 405:
        return 405  # POST-only: refused before anything is looked up
    if role == "outsider":
        return 404  # the board's existence is not revealed
    if role == "manager":
        return manager_status
    return 403


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, people, objects, role):
    for name, method, url, data, manager_status in requests_for(people, objects):
        if role != "anonymous":
            client.force_login(getattr(people, role))
        before = snapshot()
        outbox_before = len(mail.outbox)
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        expected = expected_status(role, method, manager_status)
        assert response.status_code == expected, (role, name, method, response.status_code)
        if role == "anonymous":
            assert response.url.startswith(reverse("login"))
        if expected != 302 or role == "anonymous":
            assert snapshot() == before, (role, name, method)
            assert len(mail.outbox) == outbox_before
        client.logout()


def test_manager_writes_take_effect(client, people, objects):
    client.force_login(people.manager)
    for name, method, url, data, _status in requests_for(people, objects):
        if method == "post" and name != "member_remove":
            client.post(url, data)
    assert Membership.objects.get(pk=objects["membership"].pk).role == Role.EXECUTIVE
    assert SubCommittee.objects.filter(board=people.board, name="Audit", chair=people.chair).exists()
    assert SubCommittee.objects.get(pk=objects["sub_committee"].pk).name == "Renamed"
    assert Invitation.objects.filter(board=people.board, email="new@example.org").exists()
    assert Invitation.objects.get(pk=objects["invitation"].pk).revoked_at is not None
    assert len(mail.outbox) == 2  # the new invitation and the resent one
    client.post(
        reverse("boards:member_remove", kwargs={"slug": people.board.slug, "pk": objects["membership"].pk})
    )
    assert not Membership.objects.filter(pk=objects["membership"].pk).exists()


def test_another_boards_objects_are_404_through_this_board(client, people):
    """Tampered ids: this board's manager, other board's membership and sub-committee."""
    their_membership = Membership.objects.get(user=people.outsider, board=people.other_board)
    their_sub = SubCommitteeFactory(board=people.other_board, name="Theirs")
    client.force_login(people.manager)
    before = snapshot()
    slug = people.board.slug
    for name, pk, data in [
        ("member_edit", their_membership.pk, {"role": "member", "job_title": ""}),
        ("member_remove", their_membership.pk, {}),
        ("sub_committee_edit", their_sub.pk, {"name": "Hijacked", "chair": ""}),
    ]:
        url = reverse(f"boards:{name}", kwargs={"slug": slug, "pk": pk})
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert snapshot() == before


def test_chair_must_be_a_member_of_the_board(client, people):
    client.force_login(people.manager)
    url = reverse("boards:sub_committee_new", kwargs={"slug": people.board.slug})
    response = client.post(url, {"name": "Audit", "chair": people.outsider.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert 'value="Audit"' in response.text  # input kept
    assert not SubCommittee.objects.filter(name="Audit").exists()
    # The chair list offers the board's members only.
    page = client.get(url)
    assert people.chair.get_full_name() in page.text
    assert people.outsider.get_full_name() not in page.text


def test_sub_committee_names_are_unique_in_a_board(client, people):
    SubCommitteeFactory(board=people.board, name="Case Review")
    client.force_login(people.manager)
    url = reverse("boards:sub_committee_new", kwargs={"slug": people.board.slug})
    response = client.post(url, {"name": "case review", "chair": ""})
    assert "already has a sub-committee with this name" in response.text
    assert SubCommittee.objects.filter(board=people.board).count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "chair": ""}, "Enter the sub-committee’s name."),
        ({"name": "x" * 201, "chair": ""}, "Ensure this value has at most 200 characters"),
        ({"name": "Audit", "chair": "not-a-number"}, "Select a valid choice"),
    ],
)
def test_bad_sub_committee_input_is_refused(client, people, data, error):
    client.force_login(people.manager)
    response = client.post(reverse("boards:sub_committee_new", kwargs={"slug": people.board.slug}), data)
    assert response.status_code == 200
    assert "There is a problem" in response.text and error in response.text
    assert not SubCommittee.objects.exists()


def test_html_in_names_is_shown_escaped(client, people):
    client.force_login(people.manager)
    client.post(
        reverse("boards:sub_committee_new", kwargs={"slug": people.board.slug}),
        {"name": "<script>alert(1)</script>", "chair": ""},
    )
    page = client.get(people.board.get_absolute_url())
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_invalid_role_is_refused(client, people):
    membership = Membership.objects.get(user=people.member, board=people.board)
    client.force_login(people.manager)
    url = reverse("boards:member_edit", kwargs={"slug": people.board.slug, "pk": membership.pk})
    response = client.post(url, {"role": "superuser", "job_title": "x"})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


class TestLastManager:
    def test_the_last_manager_cannot_be_demoted(self, client, people):
        membership = Membership.objects.get(user=people.manager, board=people.board)
        client.force_login(people.manager)
        url = reverse("boards:member_edit", kwargs={"slug": people.board.slug, "pk": membership.pk})
        response = client.post(url, {"role": "member", "job_title": "Business manager"})
        assert response.status_code == 200
        assert "A board needs at least one manager" in response.text
        membership.refresh_from_db()
        assert membership.role == Role.MANAGER and membership.job_title == ""

    def test_the_last_manager_cannot_be_removed(self, client, people):
        membership = Membership.objects.get(user=people.manager, board=people.board)
        client.force_login(people.manager)
        url = reverse("boards:member_remove", kwargs={"slug": people.board.slug, "pk": membership.pk})
        response = client.post(url)
        assert response.status_code == 200
        assert "A board needs at least one manager" in response.text
        assert Membership.objects.filter(pk=membership.pk).exists()

    def test_with_a_second_manager_one_may_step_down(self, client, people):
        second = MembershipFactory(user=UserFactory(), board=people.board, role=Role.MANAGER)
        mine = Membership.objects.get(user=people.manager, board=people.board)
        client.force_login(people.manager)
        url = reverse("boards:member_edit", kwargs={"slug": people.board.slug, "pk": mine.pk})
        assert client.post(url, {"role": "member", "job_title": ""}).status_code == 302
        mine.refresh_from_db()
        assert mine.role == Role.MEMBER
        # Now a member: further administration is refused.
        assert client.get(url).status_code == 403
        # And the remaining manager is the last one.
        client.force_login(second.user)
        url = reverse("boards:member_remove", kwargs={"slug": people.board.slug, "pk": second.pk})
        assert client.post(url).status_code == 200
        assert Membership.objects.filter(pk=second.pk).exists()

    def test_a_manager_may_leave_when_another_manager_remains(self, client, people):
        MembershipFactory(user=UserFactory(), board=people.board, role=Role.MANAGER)
        mine = Membership.objects.get(user=people.manager, board=people.board)
        client.force_login(people.manager)
        url = reverse("boards:member_remove", kwargs={"slug": people.board.slug, "pk": mine.pk})
        response = client.post(url)
        assert response.status_code == 302 and response.url == reverse("boards:home")
        assert client.get(people.board.get_absolute_url()).status_code == 404


def test_removing_a_chair_clears_the_sub_committees_they_chair(client, people):
    sub = SubCommitteeFactory(board=people.board, name="Case Review", chair=people.chair)
    elsewhere = SubCommitteeFactory(board=people.other_board, name="Elsewhere", chair=people.chair)
    membership = Membership.objects.get(user=people.chair, board=people.board)
    client.force_login(people.manager)
    url = reverse("boards:member_remove", kwargs={"slug": people.board.slug, "pk": membership.pk})
    assert "They chair Case Review" in client.get(url).text
    response = client.post(url, follow=True)
    assert "They no longer chair: Case Review." in response.text
    sub.refresh_from_db()
    elsewhere.refresh_from_db()
    assert sub.chair is None
    assert elsewhere.chair == people.chair  # another board's sub-committee is not ours to change
    assert sub.history.first().chair is None  # recorded in the history


def test_board_page_links_administration_for_managers_only(client, people):
    SubCommitteeFactory(board=people.board)
    invitations = reverse("accounts:invitations", kwargs={"slug": people.board.slug})
    client.force_login(people.manager)
    page = client.get(people.board.get_absolute_url()).text
    assert invitations in page and "Add a sub-committee" in page and "Change<span" in page
    for role in ("chair", "member", "executive"):
        client.force_login(getattr(people, role))
        page = client.get(people.board.get_absolute_url()).text
        assert invitations not in page and "Add a sub-committee" not in page and "Change<span" not in page


def test_refused_access_is_logged_without_secrets(client, people, objects, caplog):
    client.force_login(people.member)
    client.post(
        reverse("accounts:invitations", kwargs={"slug": people.board.slug}),
        {"email": "x@example.org", "role": "manager"},
    )
    records = [r.getMessage() for r in caplog.records if r.name == "safeguarding.security"]
    assert any(
        m.startswith(
            f"refused user={people.member.username} method=POST path=/boards/{people.board.slug}/invitations/"
        )
        for m in records
    )
