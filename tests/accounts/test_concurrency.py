"""Races: one invitation link used twice at once."""

import threading

import pytest
from django.db import connection

from accounts.invitations import InvitationUnusableError, accept
from boards.models import Membership
from tests.accounts.factories import InvitationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


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
