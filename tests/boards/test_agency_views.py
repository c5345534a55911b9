"""Partner agencies pages and a member's agency, for each role."""

import pytest
from django.urls import reverse

from boards.models import Agency
from tests.factories import AgencyFactory, MembershipFactory

pytestmark = pytest.mark.django_db
READERS = ["chair", "member", "executive"]


def test_every_member_reads_the_agencies_and_only_managers_see_the_form(
    client, people, django_assert_num_queries
):
    police = AgencyFactory(partnership=people.board.partnership, name="Northumbria Police", kind="police")
    AgencyFactory(partnership=people.other_board.partnership, name="Another partnership's council")
    url = reverse("boards:agencies", args=[people.board.slug])
    assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    for role in READERS:
        client.force_login(getattr(people, role))
        response = client.get(url)
        page = response.content.decode()
        assert (
            response.status_code == 200 and "Northumbria Police" in page and "Another partnership" not in page
        )
        assert (
            "Add an agency" not in page
            and reverse("boards:agency_edit", args=[people.board.slug, police.pk]) not in page
        )
        assert client.post(url, {"name": "Fire", "kind": "fire"}).status_code == 403
    client.force_login(people.manager)
    for _ in range(5):
        AgencyFactory(partnership=people.board.partnership)
    # Session, user, board, role, the agencies with their member counts, base page reads:
    # not one query per agency.
    with django_assert_num_queries(8):
        assert "Add an agency" in client.get(url).content.decode()


def test_a_manager_adds_and_renames_an_agency(client, people):
    url = reverse("boards:agencies", args=[people.board.slug])
    client.force_login(people.manager)
    response = client.post(url, {"name": "Tyne and Wear Fire and Rescue Service", "kind": "fire"})
    assert response.status_code == 302
    agency = Agency.objects.get()
    assert (agency.partnership, agency.kind) == (people.board.partnership, "fire")
    # Bad input: the form is kept, nothing written.
    response = client.post(url, {"name": "tyne and wear fire and rescue service", "kind": "fire"})
    assert response.status_code == 400 and "already has an agency with this name" in response.content.decode()
    response = client.post(url, {"name": "", "kind": "army"})
    assert response.status_code == 400 and "Enter the agency" in response.content.decode()
    assert Agency.objects.count() == 1
    edit = reverse("boards:agency_edit", args=[people.board.slug, agency.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"name": "Tyne and Wear FRS", "kind": "fire"}).status_code == 302
    agency.refresh_from_db()
    assert agency.name == "Tyne and Wear FRS"


def test_agency_edit_refuses_readers_outsiders_and_other_partnerships(client, people):
    agency = AgencyFactory(partnership=people.board.partnership)
    foreign = AgencyFactory(partnership=people.other_board.partnership)
    edit = reverse("boards:agency_edit", args=[people.board.slug, agency.pk])
    assert client.get(edit).status_code == 302
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.get(edit).status_code == 403
    client.force_login(people.outsider)
    assert client.get(edit).status_code == 404
    client.force_login(people.manager)
    assert client.get(reverse("boards:agency_edit", args=[people.board.slug, foreign.pk])).status_code == 404


def test_a_manager_names_a_members_agency_shown_on_the_board_page(client, people):
    council = AgencyFactory(partnership=people.board.partnership, name="Sunderland City Council")
    foreign = AgencyFactory(partnership=people.other_board.partnership, name="Foreign")
    membership = people.member.memberships.get(board=people.board)
    url = reverse("boards:member_edit", args=[people.board.slug, membership.pk])
    client.force_login(people.manager)
    page = client.get(url).content.decode()
    assert "Sunderland City Council" in page and "Foreign" not in page
    response = client.post(url, {"role": "member", "job_title": "Head of Service", "agency": foreign.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(url, {"role": "member", "job_title": "Head of Service", "agency": council.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.agency == council
    board_page = client.get(people.board.get_absolute_url()).content.decode()
    assert "Sunderland City Council" in board_page
    # Clearing it.
    client.post(url, {"role": "member", "job_title": "Head of Service", "agency": ""})
    membership.refresh_from_db()
    assert membership.agency is None
    MembershipFactory(board=people.board, agency=council)
