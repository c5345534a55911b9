"""A framework binds a board only with that board's managers' consent (issue 15, point 5),
and one board's managers never change another board's governance section.

The cast: the SSCB (``people``: manager, chair, member, executive) starts a draft and asks
the HWB of the same partnership to be bound. The HWB has a manager and a member. The
outsider manages a board of another partnership.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse

from boards.models import Board, Role
from frameworks.models import Consent, Framework, FrameworkBoard, FrameworkStatus, RelationshipKind
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.frameworks.factories import ResponsibilityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Hwb:
    board: Board
    manager: object
    member: object


@pytest.fixture
def hwb(people) -> Hwb:
    board = BoardFactory(
        partnership=people.board.partnership, short_name="HWB", name="Health and Wellbeing Board"
    )
    manager, member = UserFactory(username="hwb-manager"), UserFactory(username="hwb-member")
    MembershipFactory(user=manager, board=board, role=Role.MANAGER)
    MembershipFactory(user=member, board=board, role=Role.MEMBER)
    return Hwb(board=board, manager=manager, member=member)


@pytest.fixture
def draft(client, people, hwb) -> Framework:
    """The SSCB's manager starts a draft and asks the HWB to be bound, through the pages."""
    client.force_login(people.manager)
    client.post(reverse("frameworks:create"), {"board": people.board.pk, "title": "Framework of Cooperation"})
    framework = Framework.objects.get()
    response = client.post(
        reverse("frameworks:board_add", args=[framework.pk]),
        {"board": hwb.board.pk, "primary_function": "delivery and performance", "is_party": "on"},
    )
    assert response.status_code == 302
    client.logout()
    return framework


def hwb_binding(framework: Framework) -> FrameworkBoard:
    return framework.framework_boards.select_related("consent_requested_by").get(board__short_name="HWB")


def consent_url(framework: Framework) -> str:
    return reverse("frameworks:consent", args=[framework.pk, hwb_binding(framework).pk])


def decline_url(framework: Framework) -> str:
    return reverse("frameworks:decline", args=[framework.pk, hwb_binding(framework).pk])


def test_binding_another_board_asks_its_managers_and_says_who_and_when(client, people, hwb, draft):
    own = draft.framework_boards.get(board=people.board)
    assert (own.consent, own.consent_given_by, own.consent_given_at) == (Consent.GIVEN, people.manager, NOW)
    asked = hwb_binding(draft)
    assert (asked.consent, asked.consent_requested_by, asked.consent_requested_at) == (
        Consent.REQUESTED,
        people.manager,
        NOW,
    )
    client.force_login(hwb.manager)
    listing = client.get(reverse("frameworks:list")).text
    assert "Waiting for your board's consent" in listing and "bind HWB, asked by" in listing
    page = client.get(draft.get_absolute_url()).text
    assert "HWB: will your board be bound by this framework?" in page
    assert "delivery and performance" in page and "Agree to be bound" in page


def test_until_it_consents_the_framework_is_not_shown_to_the_boards_members(client, people, hwb, draft):
    client.force_login(hwb.member)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("frameworks:diagram", args=[draft.pk])).status_code == 404
    assert draft.title not in client.get(reverse("frameworks:list")).text
    # Nor does the diagram the SSCB's members see draw the HWB yet.
    client.force_login(people.member)
    svg = client.get(reverse("frameworks:diagram", args=[draft.pk])).text
    assert "Health and Wellbeing Board" not in svg and people.board.short_name in svg


@pytest.mark.parametrize("url_of", [consent_url, decline_url])
def test_who_may_answer_a_request(client, people, hwb, draft, url_of):
    url = url_of(draft)
    assert client.post(url).status_code == 302 and "/accounts/login/" in client.post(url).url
    client.force_login(people.outsider)
    assert client.post(url).status_code == 404
    client.force_login(hwb.member)  # cannot see the framework at all before consent
    assert client.post(url).status_code == 404
    for reader in (people.chair, people.member, people.executive):
        client.force_login(reader)
        assert client.post(url).status_code == 403
    client.force_login(people.manager)  # a bound board's manager, but not the HWB's
    assert client.post(url).status_code == 403
    client.force_login(hwb.manager)
    assert client.get(url).status_code == 405
    assert hwb_binding(draft).consent == Consent.REQUESTED, "nothing was written by the refused requests"


def test_a_manager_of_the_board_consents_and_it_is_recorded(client, hwb, draft):
    client.force_login(hwb.manager)
    response = client.post(consent_url(draft))
    assert response.status_code == 302
    binding = hwb_binding(draft)
    assert (binding.consent, binding.consent_given_by, binding.consent_given_at) == (
        Consent.GIVEN,
        hwb.manager,
        NOW,
    )
    assert binding.history.first().history_user == hwb.manager
    page = client.get(response.url).text
    assert f"HWB agreed: {hwb.manager.get_full_name()}, 23 November 2026" in page
    # Answering twice changes nothing and says why.
    page = client.post(consent_url(draft), follow=True).text
    assert "HWB has already consented." in page
    client.force_login(hwb.member)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_manager_of_the_board_declines_and_the_board_is_not_bound(client, people, hwb, draft):
    binding_pk = hwb_binding(draft).pk
    client.force_login(hwb.manager)
    response = client.post(decline_url(draft), follow=True)
    assert "HWB will not be bound by Framework of Cooperation" in response.text
    assert not draft.framework_boards.filter(board=hwb.board).exists()
    assert FrameworkBoard.history.filter(id=binding_pk, history_type="-").get().history_user == hwb.manager
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_framework_cannot_be_proposed_while_a_board_has_not_consented(client, people, hwb, draft):
    client.force_login(people.manager)
    page = client.post(reverse("frameworks:propose", args=[draft.pk]), follow=True).text
    assert "Waiting for the consent of HWB" in page
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.DRAFT
    client.force_login(hwb.manager)
    client.post(consent_url(draft))
    client.force_login(people.manager)
    client.post(reverse("frameworks:propose", args=[draft.pk]))
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.PROPOSED


def test_the_asking_board_may_withdraw_a_request_it_made(client, people, hwb, draft):
    client.force_login(people.manager)
    client.post(reverse("frameworks:part_remove", args=[draft.pk, "board", hwb_binding(draft).pk]))
    assert not draft.framework_boards.filter(board=hwb.board).exists()


def test_a_consenting_board_leaves_only_by_its_own_managers(client, people, hwb, draft):
    client.force_login(hwb.manager)
    client.post(consent_url(draft))
    url = reverse("frameworks:part_remove", args=[draft.pk, "board", hwb_binding(draft).pk])
    client.force_login(people.manager)
    assert client.post(url).status_code == 403
    assert (
        "Unbind" not in client.get(draft.get_absolute_url()).text.split('id="board-' + str(hwb.board.pk))[1]
    )
    client.force_login(hwb.manager)
    assert client.post(url).status_code == 302
    assert not draft.framework_boards.filter(board=hwb.board).exists()


@pytest.fixture
def consented(client, hwb, draft) -> Framework:
    client.force_login(hwb.manager)
    client.post(consent_url(draft))
    client.logout()
    return draft


def test_only_a_boards_own_managers_change_its_section(client, people, hwb, consented):
    url = reverse("frameworks:board_edit", args=[consented.pk, hwb_binding(consented).pk])
    data = {"primary_function": "scrutiny", "statutory_basis": "Health and Social Care Act 2012"}
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404 and client.post(url, data).status_code == 404
    for reader in (hwb.member, people.member, people.chair):
        client.force_login(reader)
        assert client.get(url).status_code == 403 and client.post(url, data).status_code == 403
    client.force_login(people.manager)  # manages the SSCB, not the HWB
    assert client.get(url).status_code == 403 and client.post(url, data).status_code == 403
    assert hwb_binding(consented).primary_function == "delivery and performance"

    client.force_login(hwb.manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {"primary_function": "", "statutory_basis": "x" * 201})
    assert response.status_code == 400 and "govuk-error-summary" in response.text
    assert 'value="' + "x" * 201 in response.text, "the form keeps what was typed"
    assert client.post(url, data).status_code == 302
    assert hwb_binding(consented).primary_function == "scrutiny"


def test_a_boards_responsibilities_are_changed_by_its_own_managers_only(client, people, hwb, consented):
    theirs = ResponsibilityFactory(framework_board=hwb_binding(consented), text="Own the JSNA")
    client.force_login(people.manager)
    response = client.post(
        reverse("frameworks:responsibility_add", args=[consented.pk]),
        {"framework_board": hwb_binding(consented).pk, "text": "Written by another board"},
    )
    assert response.status_code == 400 and "Select a valid choice" in response.text
    remove = reverse("frameworks:part_remove", args=[consented.pk, "responsibility", theirs.pk])
    assert client.post(remove).status_code == 403
    assert list(hwb_binding(consented).responsibilities.values_list("text", flat=True)) == ["Own the JSNA"]
    client.force_login(hwb.manager)
    client.post(
        reverse("frameworks:responsibility_add", args=[consented.pk]),
        {"framework_board": hwb_binding(consented).pk, "text": "Report to the SSCB yearly"},
    )
    assert client.post(remove).status_code == 302
    assert list(hwb_binding(consented).responsibilities.values_list("text", flat=True)) == [
        "Report to the SSCB yearly"
    ]


def test_relationships_and_shared_functions_name_a_board_you_manage(client, people, hwb, consented):
    ssab = BoardFactory(partnership=people.board.partnership, short_name="SSAB")
    ssab_manager = UserFactory()
    MembershipFactory(user=ssab_manager, board=ssab, role=Role.MANAGER)
    client.force_login(people.manager)
    client.post(reverse("frameworks:board_add", args=[consented.pk]), {"board": ssab.pk, "is_party": "on"})
    client.force_login(ssab_manager)
    client.post(
        reverse("frameworks:consent", args=[consented.pk, consented.framework_boards.get(board=ssab).pk])
    )

    client.force_login(people.manager)
    response = client.post(
        reverse("frameworks:relationship_add", args=[consented.pk]),
        {"from_board": hwb.board.pk, "to_board": ssab.pk, "kind": RelationshipKind.SCRUTINISES},
    )
    assert response.status_code == 400 and "Choose a relationship of a board you manage" in response.text
    response = client.post(
        reverse("frameworks:shared_add", args=[consented.pk]),
        {"name": "QA", "delivered_by": "Stay Safe Partnership", "boards": [hwb.board.pk, ssab.pk]},
    )
    assert response.status_code == 400 and "Choose a board you manage" in response.text
    assert not consented.relationships.exists() and not consented.shared_functions.exists()

    client.force_login(hwb.manager)
    client.post(
        reverse("frameworks:relationship_add", args=[consented.pk]),
        {"from_board": hwb.board.pk, "to_board": ssab.pk, "kind": RelationshipKind.SCRUTINISES},
    )
    relationship = consented.relationships.get()
    client.force_login(people.manager)
    delete = reverse("frameworks:relationship_delete", args=[consented.pk, relationship.pk])
    assert client.post(delete).status_code == 403
    client.force_login(ssab_manager)
    assert client.post(delete).status_code == 302 and not consented.relationships.exists()


def test_superseding_an_adopted_version_needs_each_boards_consent(client, people, hwb, consented):
    client.force_login(people.manager)
    client.post(reverse("frameworks:propose", args=[consented.pk]))
    for user, board in ((people.manager, people.board), (hwb.manager, hwb.board)):
        consented.record_adoption(board, "adopt", datetime.date(2026, 11, 1), recorded_by=user)
    assert Framework.objects.get(pk=consented.pk).status == FrameworkStatus.ADOPTED

    client.force_login(people.manager)
    response = client.post(reverse("frameworks:new_version", args=[consented.pk]), follow=True)
    assert "1 other board must first agree to be bound by it" in response.text
    version_2 = Framework.objects.get(supersedes=consented)
    assert hwb_binding(version_2).consent == Consent.REQUESTED
    # The SSCB cannot drop the HWB from the version that would end the HWB's adopted one.
    withdraw = reverse("frameworks:part_remove", args=[version_2.pk, "board", hwb_binding(version_2).pk])
    assert client.post(withdraw).status_code == 403
    client.post(reverse("frameworks:propose", args=[version_2.pk]))
    assert Framework.objects.get(pk=version_2.pk).status == FrameworkStatus.DRAFT
    # The HWB's members still see version 1, the one in force, and not the request.
    client.force_login(hwb.member)
    assert client.get(consented.get_absolute_url()).status_code == 200
    assert client.get(version_2.get_absolute_url()).status_code == 404

    client.force_login(hwb.manager)
    client.post(consent_url(version_2))
    client.force_login(people.manager)
    client.post(reverse("frameworks:propose", args=[version_2.pk]))
    for user, board in ((people.manager, people.board), (hwb.manager, hwb.board)):
        version_2.record_adoption(board, "adopt", datetime.date(2026, 11, 20), recorded_by=user)
    assert Framework.objects.get(pk=consented.pk).status == FrameworkStatus.SUPERSEDED
    assert Framework.objects.get(pk=version_2.pk).status == FrameworkStatus.ADOPTED


def test_the_list_query_count_is_fixed(client, people, hwb, draft, django_assert_num_queries):
    """The requests waiting for consent come with their framework, board and asker in one
    query, not one query per request."""
    other = Framework.objects.create(partnership=people.board.partnership, title="Second framework")
    FrameworkBoard.objects.create(
        framework=other, board=hwb.board, consent=Consent.REQUESTED, consent_requested_by=people.manager
    )
    client.force_login(hwb.manager)
    # session, user, notifications count, frameworks, partnerships, prefetch, managers, requests
    with django_assert_num_queries(8):
        response = client.get(reverse("frameworks:list"))
    assert response.text.count("bind HWB") == 2


def test_the_detail_query_count_does_not_grow_with_requests(
    client, people, hwb, draft, django_assert_num_queries
):
    client.force_login(people.manager)
    client.get(draft.get_absolute_url())  # warm the session's unread count and idle expiry
    with django_assert_num_queries(24) as one_request:
        client.get(draft.get_absolute_url())
    for index in range(3):
        board = BoardFactory(partnership=people.board.partnership, short_name=f"B{index}")
        FrameworkBoard.objects.create(
            framework=draft, board=board, consent=Consent.REQUESTED, consent_requested_by=people.manager
        )
    with django_assert_num_queries(len(one_request.captured_queries)):
        client.get(draft.get_absolute_url())
