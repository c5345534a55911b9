"""Adoption state rules, versions, and relationship validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from boards.models import Role
from frameworks.models import (
    AdoptionDecision,
    Consent,
    Framework,
    FrameworkError,
    FrameworkStatus,
    Relationship,
    RelationshipKind,
)
from tests.factories import BoardFactory, MembershipFactory, PartnershipFactory, UserFactory
from tests.frameworks.factories import (
    FrameworkBoardFactory,
    RelationshipFactory,
    ResponsibilityFactory,
    SharedFunctionFactory,
    framework_binding,
)

pytestmark = pytest.mark.django_db

MEETING = datetime.date(2026, 10, 1)


@pytest.fixture
def three_boards():
    partnership = PartnershipFactory(name="Sunderland")
    return [BoardFactory(partnership=partnership, short_name=name) for name in ("HWB", "SSCB", "SSAB")]


def test_adopted_only_when_every_bound_board_has_adopted(three_boards):
    framework = framework_binding(*three_boards)
    for board in three_boards[:-1]:
        framework.record_adoption(board, AdoptionDecision.ADOPT, MEETING)
        framework.refresh_from_db()
        assert framework.status == FrameworkStatus.PROPOSED
    framework.record_adoption(three_boards[-1], AdoptionDecision.ADOPT, MEETING)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.ADOPTED
    assert framework.adoptions.count() == 3


def test_a_decline_keeps_it_proposed(three_boards):
    framework = framework_binding(*three_boards)
    framework.record_adoption(three_boards[0], AdoptionDecision.ADOPT, MEETING)
    framework.record_adoption(three_boards[1], AdoptionDecision.DECLINE, MEETING)
    framework.record_adoption(three_boards[2], AdoptionDecision.ADOPT, MEETING)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.PROPOSED


def test_a_later_adoption_overrides_a_deferral_and_history_is_kept(three_boards):
    framework = framework_binding(*three_boards)
    framework.record_adoption(three_boards[0], AdoptionDecision.ADOPT, MEETING)
    framework.record_adoption(three_boards[1], AdoptionDecision.ADOPT, MEETING)
    framework.record_adoption(three_boards[2], AdoptionDecision.DEFER, MEETING)
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.PROPOSED
    framework.record_adoption(three_boards[2], AdoptionDecision.ADOPT, MEETING + datetime.timedelta(days=30))
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.ADOPTED
    assert list(framework.adoptions.filter(board=three_boards[2]).values_list("decision", flat=True)) == [
        AdoptionDecision.ADOPT,
        AdoptionDecision.DEFER,
    ]


def test_a_board_that_later_declines_takes_it_back_to_proposed(three_boards):
    framework = framework_binding(*three_boards[:2])
    for board in three_boards[:2]:
        framework.record_adoption(board, AdoptionDecision.ADOPT, MEETING)
    framework.record_adoption(three_boards[0], AdoptionDecision.DECLINE, MEETING + datetime.timedelta(days=1))
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.PROPOSED


def test_boards_that_are_not_parties_need_not_adopt(three_boards):
    framework = framework_binding(*three_boards[:2])
    FrameworkBoardFactory(
        framework=framework, board=BoardFactory(partnership=framework.partnership), is_party=False
    )
    for board in three_boards[:2]:
        framework.record_adoption(board, AdoptionDecision.ADOPT, MEETING)
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.ADOPTED


def test_decisions_are_refused_on_a_draft_and_from_unbound_boards(three_boards):
    draft = framework_binding(*three_boards[:2], status=FrameworkStatus.DRAFT)
    with pytest.raises(FrameworkError):
        draft.record_adoption(three_boards[0], AdoptionDecision.ADOPT, MEETING)
    proposed = framework_binding(*three_boards[:2])
    with pytest.raises(FrameworkError):
        proposed.record_adoption(three_boards[2], AdoptionDecision.ADOPT, MEETING)
    assert not proposed.adoptions.exists()


def test_propose_moves_a_draft_to_proposed(three_boards):
    framework = framework_binding(*three_boards, status=FrameworkStatus.DRAFT)
    framework.propose()
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.PROPOSED
    with pytest.raises(FrameworkError):
        framework.propose()


def test_a_new_version_copies_the_content_and_supersedes_the_old_once_adopted(three_boards):
    old = framework_binding(*three_boards[:2])
    ResponsibilityFactory(framework_board=old.framework_boards.first(), text="Manage serious case reviews")
    shared = SharedFunctionFactory(framework=old, name="Quality assurance")
    shared.boards.set(three_boards[:2])
    RelationshipFactory(framework=old, from_board=three_boards[0], to_board=three_boards[1])
    for board in three_boards[:2]:
        old.record_adoption(board, AdoptionDecision.ADOPT, MEETING)

    hwb_manager, sscb_manager = UserFactory(), UserFactory()
    MembershipFactory(user=hwb_manager, board=three_boards[0], role=Role.MANAGER)
    MembershipFactory(user=sscb_manager, board=three_boards[1], role=Role.MANAGER)
    new = old.create_new_version(started_by=hwb_manager)
    old.refresh_from_db()
    assert (new.version, new.status, new.supersedes) == (2, FrameworkStatus.DRAFT, old)
    # Adopting version 2 would end version 1 for both boards: each consents again. The HWB's
    # manager did by starting it; the SSCB is asked.
    hwb_binding = new.framework_boards.get(board=three_boards[0])
    sscb_binding = new.framework_boards.get(board=three_boards[1])
    assert (hwb_binding.consent, hwb_binding.consent_given_by) == (Consent.GIVEN, hwb_manager)
    assert (sscb_binding.consent, sscb_binding.consent_requested_by) == (Consent.REQUESTED, hwb_manager)
    assert sscb_binding.consent_given_by is None and sscb_binding.consent_given_at is None
    assert old.status == FrameworkStatus.ADOPTED, (
        "the adopted version stays in force until its successor is adopted"
    )
    assert new.framework_boards.count() == 2
    assert new.relationships.count() == 1
    assert new.shared_functions.get().boards.count() == 2
    assert (
        new.framework_boards.get(board=three_boards[0]).responsibilities.get().text
        == "Manage serious case reviews"
    )
    assert not new.adoptions.exists()

    with pytest.raises(FrameworkError, match="Waiting for the consent of SSCB"):
        new.propose()
    with pytest.raises(FrameworkError, match="Only the board's managers"):
        sscb_binding.give_consent(hwb_manager)
    sscb_binding.give_consent(sscb_manager)
    sscb_binding.refresh_from_db()
    assert (sscb_binding.consent, sscb_binding.consent_given_by) == (Consent.GIVEN, sscb_manager)
    assert sscb_binding.consent_given_at is not None
    with pytest.raises(FrameworkError, match="already consented"):
        sscb_binding.give_consent(sscb_manager)
    new.propose()
    for board in three_boards[:2]:
        new.record_adoption(board, AdoptionDecision.ADOPT, MEETING + datetime.timedelta(days=90))
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (FrameworkStatus.SUPERSEDED, FrameworkStatus.ADOPTED)
    assert old.adoptions.count() == 2, "the old version's decisions are kept"
    assert old.history.count() >= 3
    assert [f.version for f in old.versions()] == [2, 1]


def test_a_new_version_of_an_unadopted_proposal_supersedes_it_at_once(three_boards):
    old = framework_binding(*three_boards[:2])
    old.create_new_version()
    old.refresh_from_db()
    assert old.status == FrameworkStatus.SUPERSEDED
    with pytest.raises(FrameworkError):
        old.create_new_version()


def test_relationship_to_itself_is_refused_by_validation_and_by_the_database(three_boards):
    framework = framework_binding(*three_boards)
    relationship = Relationship(
        framework=framework,
        from_board=three_boards[0],
        to_board=three_boards[0],
        kind=RelationshipKind.ADVISES,
    )
    with pytest.raises(ValidationError) as error:
        relationship.full_clean()
    assert "itself" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        relationship.save()


def test_relationship_with_a_board_of_another_partnership_is_refused(three_boards):
    framework = framework_binding(*three_boards)
    stranger = BoardFactory(short_name="LSCB")
    relationship = Relationship(
        framework=framework, from_board=three_boards[0], to_board=stranger, kind=RelationshipKind.REPORTS_TO
    )
    with pytest.raises(ValidationError) as error:
        relationship.full_clean()
    assert "another partnership" in str(error.value.message_dict["to_board"])


def test_relationship_with_an_unbound_board_of_the_same_partnership_is_refused(three_boards):
    framework = framework_binding(*three_boards[:2])
    relationship = Relationship(
        framework=framework,
        from_board=three_boards[2],
        to_board=three_boards[0],
        kind=RelationshipKind.ADVISES,
    )
    with pytest.raises(ValidationError) as error:
        relationship.full_clean()
    assert "not bound" in str(error.value.message_dict["from_board"])


def test_a_framework_board_must_be_of_the_frameworks_partnership(three_boards):
    framework = framework_binding(*three_boards[:1])
    with pytest.raises(ValidationError):
        FrameworkBoardFactory.build(framework=framework, board=BoardFactory()).full_clean()
