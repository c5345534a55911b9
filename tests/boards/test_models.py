import pytest
from django.db import IntegrityError, transaction

from boards.models import Board, Role
from tests.factories import BoardFactory, MembershipFactory, SubCommitteeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_one_membership_per_user_and_board():
    membership = MembershipFactory(role=Role.MEMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=membership.user, board=membership.board, role=Role.MANAGER)


def test_a_user_may_hold_different_roles_on_different_boards():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.MANAGER)
    MembershipFactory(user=user, role=Role.CHAIR)
    assert sorted(user.memberships.values_list("role", flat=True)) == [Role.CHAIR, Role.MANAGER]


def test_role_and_kind_values_are_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(role="owner")
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardFactory(kind="club")


def test_short_names_unique_within_a_partnership():
    board = BoardFactory(short_name="HWB")
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardFactory(partnership=board.partnership, short_name="HWB")
    assert BoardFactory(short_name="HWB").short_name == "HWB"


def test_sub_committee_names_unique_within_a_board():
    sub = SubCommitteeFactory(name="Case Review Sub-committee")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubCommitteeFactory(board=sub.board, name="Case Review Sub-committee")


def test_visible_to_lists_only_the_users_boards():
    mine, _theirs = BoardFactory(), BoardFactory()
    user = UserFactory()
    MembershipFactory(user=user, board=mine)
    assert list(Board.objects.visible_to(user)) == [mine]


def test_string_forms():
    board = BoardFactory(name="Sunderland Safeguarding Adults Board", short_name="SSAB")
    assert str(board) == "Sunderland Safeguarding Adults Board (SSAB)"
    assert board.get_absolute_url() == f"/boards/{board.slug}/"
