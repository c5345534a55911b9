"""Framework pages: members read, outsiders 404, managers of a bound board record its decision."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from boards.models import Role
from frameworks.models import (
    AdoptionDecision,
    Consent,
    Framework,
    FrameworkStatus,
    Relationship,
    RelationshipKind,
)
from tests.dates import date_input
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.frameworks.factories import RelationshipFactory, framework_binding

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def framework(people):
    hwb = BoardFactory(partnership=people.board.partnership, short_name="HWB")
    framework = framework_binding(people.board, hwb)
    RelationshipFactory(
        framework=framework, from_board=people.board, to_board=hwb, kind=RelationshipKind.ADVISES
    )
    return framework


def adopt_url(framework):
    return reverse("frameworks:adopt", args=[framework.pk])


@pytest.mark.parametrize("role", ["manager", "chair", "member", "executive"])
def test_members_of_a_bound_board_read_the_framework_and_its_diagram(client, people, framework, role):
    client.force_login(getattr(people, role))
    response = client.get(framework.get_absolute_url())
    assert response.status_code == 200
    assert "<svg" in response.text and 'role="img"' in response.text
    assert "advises" in response.text
    assert ("Record your board" in response.text) == (role == "manager")
    svg = client.get(reverse("frameworks:diagram", args=[framework.pk]))
    assert svg["Content-Type"] == "image/svg+xml"


def test_page_has_no_style_attributes_or_inline_scripts(client, people, framework):
    client.force_login(people.manager)
    html = client.get(framework.get_absolute_url()).text
    assert " style=" not in html
    assert "<script>" not in html and "<script >" not in html


def test_outsider_and_anonymous_cannot_see_it(client, people, framework):
    assert client.get(framework.get_absolute_url()).status_code == 302
    client.force_login(people.outsider)
    assert client.get(framework.get_absolute_url()).status_code == 404
    assert client.get(reverse("frameworks:diagram", args=[framework.pk])).status_code == 404
    response = client.post(adopt_url(framework), {"decision": "adopt"})
    assert response.status_code == 404
    assert client.get(reverse("frameworks:list")).status_code == 200
    assert framework.title not in client.get(reverse("frameworks:list")).text


@pytest.mark.parametrize("role", ["chair", "member", "executive"])
def test_readers_cannot_record_a_decision(client, people, framework, role):
    client.force_login(getattr(people, role))
    response = client.post(
        adopt_url(framework),
        {"board": people.board.pk, "decision": "adopt", **date_input("meeting_date", "2026-11-01")},
    )
    assert response.status_code == 403
    assert not framework.adoptions.exists()


def test_recording_is_post_only(client, people, framework):
    client.force_login(people.manager)
    assert client.get(adopt_url(framework)).status_code == 405
    assert client.get(reverse("frameworks:propose", args=[framework.pk])).status_code == 405
    assert client.get(reverse("frameworks:new_version", args=[framework.pk])).status_code == 405


def test_manager_records_their_boards_decision(client, people, framework):
    client.force_login(people.manager)
    response = client.post(
        adopt_url(framework),
        {
            "board": people.board.pk,
            "decision": "adopt",
            **date_input("meeting_date", "2026-11-01"),
            "note": "Minute 7",
        },
        follow=True,
    )
    assert response.status_code == 200
    adoption = framework.adoptions.get()
    assert (adoption.board, adoption.recorded_by, adoption.note) == (people.board, people.manager, "Minute 7")
    assert "now proposed for adoption" in response.text
    assert "1 of 2 boards adopted" in response.text


def test_manager_cannot_decide_for_another_bound_board(client, people, framework):
    other = framework.framework_boards.exclude(board=people.board).get().board
    client.force_login(people.manager)
    response = client.post(
        adopt_url(framework),
        {"board": other.pk, "decision": "adopt", **date_input("meeting_date", "2026-11-01")},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not framework.adoptions.exists()


def test_bad_input_shows_the_error_summary_and_keeps_the_input(client, people, framework):
    client.force_login(people.manager)
    response = client.post(
        adopt_url(framework),
        {
            "board": people.board.pk,
            "decision": "decline",
            **date_input("meeting_date", "2027-01-01"),
            "note": "kept note",
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "must be today or in the past" in response.text
    assert 'value="kept note"' in response.text
    assert not framework.adoptions.exists()


def test_last_board_adopting_makes_it_adopted(client, people, framework):
    other = framework.framework_boards.exclude(board=people.board).get().board
    framework.record_adoption(other, AdoptionDecision.ADOPT, datetime.date(2026, 10, 1))
    client.force_login(people.manager)
    client.post(
        adopt_url(framework),
        {"board": people.board.pk, "decision": "adopt", **date_input("meeting_date", "2026-11-01")},
    )
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.ADOPTED


def test_manager_starts_a_new_version_edits_and_proposes_it(client, people, framework):
    client.force_login(people.manager)
    response = client.post(reverse("frameworks:new_version", args=[framework.pk]))
    new = Framework.objects.get(supersedes=framework)
    assert response.url == new.get_absolute_url()
    response = client.post(
        reverse("frameworks:relationship_add", args=[new.pk]),
        {"from_board": people.board.pk, "to_board": people.board.pk, "kind": RelationshipKind.SCRUTINISES},
    )
    assert response.status_code == 400
    assert "cannot have a relationship with itself" in response.text
    hwb_binding = new.framework_boards.exclude(board=people.board).get()
    hwb = hwb_binding.board
    # The HWB must agree to version 2 before anything names it or the draft is proposed.
    response = client.post(
        reverse("frameworks:relationship_add", args=[new.pk]),
        {"from_board": hwb.pk, "to_board": people.board.pk, "kind": RelationshipKind.HOLDS_TO_ACCOUNT},
    )
    assert response.status_code == 400 and new.relationships.count() == 1
    client.post(reverse("frameworks:propose", args=[new.pk]))
    assert Framework.objects.get(pk=new.pk).status == FrameworkStatus.DRAFT
    hwb_manager = UserFactory()
    MembershipFactory(user=hwb_manager, board=hwb, role=Role.MANAGER)
    client.force_login(hwb_manager)
    client.post(reverse("frameworks:consent", args=[new.pk, hwb_binding.pk]))
    client.force_login(people.manager)
    client.post(
        reverse("frameworks:relationship_add", args=[new.pk]),
        {"from_board": hwb.pk, "to_board": people.board.pk, "kind": RelationshipKind.HOLDS_TO_ACCOUNT},
    )
    assert new.relationships.count() == 2
    client.post(reverse("frameworks:edit", args=[new.pk]), {"title": "Revised framework", "summary": ""})
    client.post(reverse("frameworks:propose", args=[new.pk]))
    new.refresh_from_db()
    assert (new.title, new.status) == ("Revised framework", FrameworkStatus.PROPOSED)
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.SUPERSEDED


def test_readers_cannot_edit(client, people, framework):
    client.force_login(people.member)
    assert client.post(reverse("frameworks:new_version", args=[framework.pk])).status_code == 403
    assert client.get(reverse("frameworks:edit", args=[framework.pk])).status_code == 403
    relationship = framework.relationships.get()
    url = reverse("frameworks:relationship_delete", args=[framework.pk, relationship.pk])
    assert client.post(url).status_code == 403
    assert Relationship.objects.filter(pk=relationship.pk).exists()


def test_a_manager_of_an_unbound_board_is_an_outsider(client, people, framework):
    # The outsider manages another board (people.other_board), not one this framework binds.
    client.force_login(people.outsider)
    assert client.post(reverse("frameworks:new_version", args=[framework.pk])).status_code == 404


def test_detail_query_count_is_fixed(client, people, framework, django_assert_max_num_queries):
    """Responsibilities, decisions and shared functions' boards are prefetched, not loaded per board."""
    client.force_login(people.manager)
    with django_assert_max_num_queries(30):
        client.get(framework.get_absolute_url())


def test_framework_page_has_unique_ids(client, people, framework):
    import collections
    import re

    client.force_login(people.manager)
    html = client.get(framework.get_absolute_url()).text
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []


def test_manager_starts_a_draft_and_builds_it_in_the_browser(client, people):
    hwb = BoardFactory(partnership=people.board.partnership, short_name="HWB")
    client.force_login(people.manager)
    assert client.get(reverse("frameworks:create")).status_code == 200
    response = client.post(
        reverse("frameworks:create"), {"board": people.board.pk, "title": "Framework of Cooperation"}
    )
    framework = Framework.objects.get()
    assert response.url == framework.get_absolute_url()
    assert (framework.status, framework.partnership) == (FrameworkStatus.DRAFT, people.board.partnership)

    client.post(
        reverse("frameworks:board_add", args=[framework.pk]),
        {"board": hwb.pk, "primary_function": "delivery and performance", "is_party": "on"},
    )
    assert framework.framework_boards.get(board=hwb).primary_function == "delivery and performance"
    fb = framework.framework_boards.get(board=people.board)
    assert (fb.consent, fb.consent_given_by) == (Consent.GIVEN, people.manager), "your own board, at once"
    hwb_manager = UserFactory()
    MembershipFactory(user=hwb_manager, board=hwb, role=Role.MANAGER)
    client.force_login(hwb_manager)
    client.post(
        reverse("frameworks:consent", args=[framework.pk, framework.framework_boards.get(board=hwb).pk])
    )
    client.force_login(people.manager)
    client.post(
        reverse("frameworks:responsibility_add", args=[framework.pk]),
        {
            "framework_board": fb.pk,
            "sub_group": "Serious Case Review Process",
            "text": "Manage the SCR process",
        },
    )
    assert fb.responsibilities.get().sub_group == "Serious Case Review Process"
    response = client.post(
        reverse("frameworks:shared_add", args=[framework.pk]),
        {"name": "Quality assurance", "delivered_by": "Stay Safe Partnership", "boards": [people.board.pk]},
    )
    assert response.status_code == 400 and "Choose at least two boards" in response.text
    client.post(
        reverse("frameworks:shared_add", args=[framework.pk]),
        {
            "name": "Quality assurance",
            "delivered_by": "Stay Safe Partnership",
            "boards": [people.board.pk, hwb.pk],
        },
    )
    assert framework.shared_functions.get().boards.count() == 2
    client.post(
        reverse("frameworks:relationship_add", args=[framework.pk]),
        {"from_board": people.board.pk, "to_board": hwb.pk, "kind": RelationshipKind.SCRUTINISES},
    )
    page = client.get(framework.get_absolute_url()).text
    assert "Quality assurance" in page and "Manage the SCR process" in page and "scrutinises" in page

    # Unbinding a board takes its relationships and shares with it; it is the HWB's to do,
    # now that it has consented; and the framework's last board stays.
    hwb_fb = framework.framework_boards.get(board=hwb)
    url = reverse("frameworks:part_remove", args=[framework.pk, "board", hwb_fb.pk])
    assert client.post(url).status_code == 403
    MembershipFactory(user=people.manager, board=hwb, role=Role.MANAGER)
    client.post(url)
    assert not framework.relationships.exists()
    assert list(framework.shared_functions.get().boards.all()) == [people.board]
    client.post(reverse("frameworks:part_remove", args=[framework.pk, "board", fb.pk]))
    assert framework.framework_boards.filter(pk=fb.pk).exists()


def test_a_draft_title_must_be_new_in_the_partnership(client, people, framework):
    client.force_login(people.manager)
    response = client.post(reverse("frameworks:create"), {"board": people.board.pk, "title": framework.title})
    assert response.status_code == 400
    assert "start a new version" in response.text


def test_only_managers_start_frameworks_and_only_drafts_change(client, people, framework):
    client.force_login(people.member)
    assert client.get(reverse("frameworks:create")).status_code == 403
    client.force_login(people.manager)
    hwb_fb = framework.framework_boards.exclude(board=people.board).get()
    client.post(reverse("frameworks:part_remove", args=[framework.pk, "board", hwb_fb.pk]))
    assert framework.framework_boards.count() == 2, "a proposed framework is not edited in place"
    response = client.post(
        reverse("frameworks:shared_add", args=[framework.pk]),
        {"name": "QA", "delivered_by": "Group", "boards": [people.board.pk, hwb_fb.board_id]},
    )
    assert response.status_code == 302 and not framework.shared_functions.exists()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date of the meeting that decided"),
        ("30", "2", "2026", "Date of the meeting must be a real date"),
        ("1", "11", "", "Date of the meeting must include a year"),
        ("1", "1", "2027", "Date of the meeting must be today or in the past"),
    ],
)
def test_the_meeting_date_of_a_decision_is_a_govuk_date_input(
    client, people, framework, day, month, year, message
):
    """Issue 14, point 6."""
    client.force_login(people.manager)
    response = client.post(
        adopt_url(framework),
        {
            "board": people.board.pk,
            "decision": "adopt",
            "meeting_date_0": day,
            "meeting_date_1": month,
            "meeting_date_2": year,
        },
    )
    assert message in response.content.decode()
    assert not framework.adoptions.exists()
