"""Races: two managers demoting each other at once."""

import threading

import pytest
from django.db import connection

from boards.memberships import LastManagerError, change_membership, remove_membership
from boards.models import Membership, Role
from tests.factories import BoardFactory, MembershipFactory

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
