"""Partner agencies: per partnership, named by memberships and leading actions."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import AgencyFactory, BoardFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_agency_names_are_unique_in_a_partnership_and_kinds_checked():
    agency = AgencyFactory(name="Northumbria Police", kind="police")
    assert str(agency) == "Northumbria Police" and agency.get_kind_display() == "Police"
    AgencyFactory(name="Northumbria Police")  # another partnership may name the same force
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(partnership=agency.partnership, name="Northumbria Police")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyFactory(kind="army")


def test_a_membership_names_an_agency_of_its_boards_partnership():
    board = BoardFactory()
    own = AgencyFactory(partnership=board.partnership)
    membership = MembershipFactory(board=board, agency=own)
    membership.full_clean()
    membership.agency = AgencyFactory()
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "agency" in error.value.message_dict


def test_an_agency_with_members_cannot_be_deleted():
    from django.db.models import ProtectedError

    membership = MembershipFactory(agency=AgencyFactory())
    with pytest.raises(ProtectedError):
        membership.agency.delete()
