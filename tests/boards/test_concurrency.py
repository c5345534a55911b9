"""Races: two managers demoting each other at once; one invitation link used twice at once."""

import threading

import pytest
from django.db import connection

from boards.invitations import InvitationUnusableError, accept
from boards.memberships import LastManagerError, change_membership, remove_membership
from boards.models import Membership, Role
from tests.boards.factories import InvitationFactory
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            call()
            outcomes[index] = "done"
        except LastManagerError:
            outcomes[index] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.parametrize("action", ["demote", "remove"])
def test_two_managers_acting_on_each_other_at_once_leave_one_manager(action):
    board = BoardFactory()
    first = MembershipFactory(board=board, role=Role.MANAGER)
    second = MembershipFactory(board=board, role=Role.MANAGER)

    def act(target, by):
        if action == "demote":
            return lambda: change_membership(target.pk, Role.MEMBER, "", by.user)
        return lambda: remove_membership(target.pk, by.user)

    for _ in range(3):  # a few rounds: the race must never be won by both
        outcomes = run_at_once(act(second, first), act(first, second))
        assert sorted(outcomes) == ["done", "refused"]
        assert Membership.objects.filter(board=board, role=Role.MANAGER).count() == 1
        # Restore two managers for the next round.
        Membership.objects.filter(board=board).delete()
        first = MembershipFactory(board=board, role=Role.MANAGER)
        second = MembershipFactory(board=board, role=Role.MANAGER)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_same_invitation_accepted_twice_at_once_is_used_once():
    """A double click or two tabs: one request uses the link, the other is told it was used."""
    invitation = InvitationFactory(email="kay@example.org", token="double")
    kay = UserFactory(username="kay", email="kay@example.org")
    outcomes = []

    def accept_it():
        barrier.wait()
        try:
            accept("double", kay)
            outcomes.append("done")
        except InvitationUnusableError as refusal:
            outcomes.append(refusal.reason)
        finally:
            connection.close()

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=accept_it) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["done", "used"]
    assert Membership.objects.filter(user=kay, board=invitation.board).count() == 1
