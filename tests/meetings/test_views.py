"""Meetings and board reports: members read, managers write, outsiders 404, readers 403, POST-only."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from meetings.models import ActionArising, AgendaItem, BoardReport, Decision, DecisionKind, Meeting
from plans.models import Action
from tests.dates import date_input
from tests.factories import ActionFactory, BoardFactory, ObjectiveFactory
from tests.meetings.factories import AgendaItemFactory, BoardReportFactory, DecisionFactory, MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
READERS = ["chair", "member", "executive"]


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def meeting(people):
    meeting = MeetingFactory(board=people.board)
    report = BoardReportFactory(board=people.board, meeting=meeting, title="Improvement Update")
    item = AgendaItemFactory(meeting=meeting, position=1, title="Improvement Update", report=report)
    DecisionFactory(agenda_item=item, kind=DecisionKind.NOTED, text="Noted the update.")
    return meeting


def read_urls(meeting):
    report = meeting.reports.get()
    return [
        reverse("meetings:board_meetings", args=[meeting.board.slug]),
        meeting.get_absolute_url(),
        report.get_absolute_url(),
        reverse("meetings:report_pdf", args=[report.pk]),
    ]


@pytest.mark.parametrize("role", ["manager", *READERS])
def test_members_read_meetings_reports_and_pdf(client, people, meeting, role):
    client.force_login(getattr(people, role))
    for url in read_urls(meeting):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(meeting.get_absolute_url()).text
    assert "Noted the update." in page
    assert ("Record a decision" in page) == (role == "manager")


def test_outsider_gets_404_everywhere(client, people, meeting):
    client.force_login(people.outsider)
    item = meeting.agenda_items.get()
    report = meeting.reports.get()
    for url in read_urls(meeting):
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("meetings:agenda_item_add", args=[meeting.pk]),
        reverse("meetings:decision_add", args=[item.pk]),
        reverse("meetings:action_arising_create", args=[item.pk]),
        reverse("meetings:report_edit", args=[report.pk]),
        reverse("meetings:meeting_edit", args=[meeting.pk]),
        reverse("meetings:meeting_create", args=[people.board.slug]),
    ]:
        assert client.post(url, {"title": "x"}).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, meeting):
    for url in read_urls(meeting):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_write(client, people, meeting, role):
    client.force_login(getattr(people, role))
    item = meeting.agenda_items.get()
    report = meeting.reports.get()
    attempts = [
        (reverse("meetings:agenda_item_add", args=[meeting.pk]), {"title": "New item"}),
        (
            reverse("meetings:decision_add", args=[item.pk]),
            {f"item-{item.pk}-kind": "agreed", f"item-{item.pk}-text": "x"},
        ),
        (reverse("meetings:action_arising_create", args=[item.pk]), {}),
        (reverse("meetings:report_edit", args=[report.pk]), {"title": "Changed"}),
        (reverse("meetings:meeting_edit", args=[meeting.pk]), {"place": "Elsewhere"}),
        (reverse("meetings:meeting_create", args=[people.board.slug]), {"place": "Elsewhere"}),
        (reverse("meetings:report_create", args=[people.board.slug]), {"title": "New"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    assert AgendaItem.objects.count() == 1 and Decision.objects.count() == 1
    assert BoardReport.objects.get().title == "Improvement Update"


def test_state_changes_are_post_only(client, people, meeting):
    client.force_login(people.manager)
    item = meeting.agenda_items.get()
    assert client.get(reverse("meetings:agenda_item_add", args=[meeting.pk])).status_code == 405
    assert client.get(reverse("meetings:decision_add", args=[item.pk])).status_code == 405


def test_manager_adds_a_meeting_with_uk_times(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("meetings:meeting_create", args=[people.board.slug]),
        {
            **date_input("date", "2027-03-02"),
            "start_time": "10:00",
            "end_time": "12:00",
            "place": "Civic Centre",
            "title": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.url == meeting.get_absolute_url()
    assert meeting.starts_at == datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC)
    assert meeting.board == people.board


def test_meeting_form_errors_keep_the_input(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("meetings:meeting_create", args=[people.board.slug]),
        {
            **date_input("date", "2027-03-02"),
            "start_time": "12:00",
            "end_time": "10:00",
            "place": "Kept place",
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text and "must be after the start time" in response.text
    assert 'value="Kept place"' in response.text
    assert not Meeting.objects.exists()


def test_manager_builds_the_agenda_and_records_decisions(client, people, meeting):
    other = BoardFactory(partnership=people.board.partnership, short_name="SSAB")
    client.force_login(people.manager)
    client.post(reverse("meetings:agenda_item_add", args=[meeting.pk]), {"title": "Framework of cooperation"})
    item = meeting.agenda_items.get(position=2)
    prefix = f"item-{item.pk}"
    response = client.post(
        reverse("meetings:decision_add", args=[item.pk]),
        {f"{prefix}-kind": "recommended_to", f"{prefix}-text": "To adopt the framework."},
    )
    assert response.status_code == 400
    assert "Choose the board the recommendation goes to" in response.text
    assert "To adopt the framework." in response.text
    client.post(
        reverse("meetings:decision_add", args=[item.pk]),
        {
            f"{prefix}-kind": "recommended_to",
            f"{prefix}-text": "To adopt the framework.",
            f"{prefix}-recommended_to": other.pk,
        },
    )
    decision = item.decisions.get()
    assert (decision.recommended_to, decision.recorded_by) == (other, people.manager)
    assert "Recommended to SSAB" in client.get(meeting.get_absolute_url()).text


def test_action_arising_creates_a_plan_action_and_shows_on_the_action_page(client, people, meeting):
    objective = ObjectiveFactory(priority_area__plan__board=people.board)
    ActionFactory(objective=objective, position=1)
    foreign_objective = ObjectiveFactory()  # another board's plan: not offered
    item = meeting.agenda_items.get()
    url = reverse("meetings:action_arising_create", args=[item.pk])
    client.force_login(people.manager)
    page = client.get(url).text
    assert objective.description[:40] in page and foreign_objective.description[:40] not in page
    response = client.post(
        url,
        {
            "objective": foreign_objective.pk,
            "description": "x",
            "lead_role": "y",
            **date_input("due_date", "2027-01-31"),
        },
    )
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "objective": objective.pk,
            "description": "Report safeguarding data quarterly",
            "lead_role": "Business Manager",
            **date_input("due_date", "2027-01-31"),
            "decision": item.decisions.get().pk,
        },
    )
    arising = ActionArising.objects.get()
    action = Action.objects.get(description="Report safeguarding data quarterly")
    assert (arising.action, arising.agenda_item, action.position, action.objective) == (
        action,
        item,
        2,
        objective,
    )
    assert response.url == action.get_absolute_url()
    action_page = client.get(action.get_absolute_url()).text
    assert f"{people.board.short_name} meeting of" in action_page and "item 1" in action_page


def test_action_page_without_a_meeting_has_no_panel(client, people):
    action = ActionFactory(objective__priority_area__plan__board=people.board)
    client.force_login(people.member)
    assert "This action arose" not in client.get(action.get_absolute_url()).text


def test_manager_edits_the_report_recommendations_and_history_is_kept(client, people, meeting):
    report = meeting.reports.get()
    client.force_login(people.manager)
    url = reverse("meetings:report_edit", args=[report.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": "Improvement Update",
        "meeting": meeting.pk,
        "report_of": "Executive Director People Services",
        "purpose": "To update the committee.",
        "recommendations_text": "1. Note the report\n\n2. Receive further updates",
        "contact_email": "not an e-mail",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "There is a problem" in response.text and "To update the committee." in response.text
    data["contact_email"] = "officer@example.org"
    client.post(url, data)
    report.refresh_from_db()
    assert report.purpose == "To update the committee."
    assert list(report.recommendations.values_list("text", flat=True)) == [
        "Note the report",
        "Receive further updates",
    ]
    assert report.history.count() == 2
    assert report.history.first().history_user == people.manager
    data["recommendations_text"] = "Note the report"
    client.post(url, data)
    assert list(report.recommendations.values_list("text", flat=True)) == ["Note the report"]


def test_report_form_offers_only_the_boards_meetings(client, people, meeting):
    other_meeting = MeetingFactory(board=people.other_board)
    client.force_login(people.manager)
    response = client.post(
        reverse("meetings:report_create", args=[people.board.slug]),
        {"title": "New", "report_of": "Chair", "purpose": "P", "meeting": other_meeting.pk},
    )
    assert response.status_code == 400
    assert BoardReport.objects.count() == 1


def test_meeting_page_query_count_is_fixed(client, people, meeting, django_assert_max_num_queries):
    """Decisions, their boards and actions arising are prefetched, not loaded per agenda item."""
    for position in range(2, 8):
        DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting, position=position))
    client.force_login(people.manager)
    with django_assert_max_num_queries(16):
        client.get(meeting.get_absolute_url())


def test_meeting_page_has_unique_ids_and_no_inline_styles(client, people, meeting):
    """One decision form per agenda item: their fields and buttons must not share ids."""
    import collections
    import re

    AgendaItemFactory(meeting=meeting, position=2)
    client.force_login(people.manager)
    html = client.get(meeting.get_absolute_url()).text
    ids = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [name for name, count in ids.items() if count > 1] == []
    assert " style=" not in html
    assert 'data-prevent-double-click="true"' in html


def test_manager_reorders_and_removes_agenda_items_and_decisions(client, people, meeting):
    first = meeting.agenda_items.get()
    AgendaItemFactory(meeting=meeting, position=2, title="Second")
    third = AgendaItemFactory(meeting=meeting, position=3, title="Third")
    client.force_login(people.manager)
    client.post(reverse("meetings:agenda_item_move", args=[third.pk, "up"]))
    assert list(meeting.agenda_items.values_list("title", flat=True)) == [first.title, "Third", "Second"]
    client.post(reverse("meetings:agenda_item_move", args=[first.pk, "up"]))  # already first: no change
    assert meeting.agenda_items.first() == first
    response = client.post(reverse("meetings:agenda_item_delete", args=[first.pk]))
    assert AgendaItem.objects.filter(pk=first.pk).exists(), "an item with decisions stays"
    client.post(reverse("meetings:decision_delete", args=[first.decisions.get().pk]))
    response = client.post(reverse("meetings:agenda_item_delete", args=[first.pk]))
    assert response.status_code == 302 and not AgendaItem.objects.filter(pk=first.pk).exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_reorder_or_remove(client, people, meeting, role):
    item = meeting.agenda_items.get()
    client.force_login(getattr(people, role))
    assert client.post(reverse("meetings:agenda_item_move", args=[item.pk, "down"])).status_code == 403
    assert client.post(reverse("meetings:agenda_item_delete", args=[item.pk])).status_code == 403
    assert client.post(reverse("meetings:decision_delete", args=[item.decisions.get().pk])).status_code == 403
    client.force_login(people.outsider)
    assert client.post(reverse("meetings:decision_delete", args=[item.decisions.get().pk])).status_code == 404
    assert Decision.objects.count() == 1


# --- Issue 14, points 6–8: dates, times and pickers on the meeting forms ----------------------


def test_the_meeting_form_asks_for_the_date_in_three_boxes_and_times_as_text(client, people):
    client.force_login(people.manager)
    page = client.get(reverse("meetings:meeting_create", args=[people.board.slug])).text
    assert 'type="date"' not in page and 'type="time"' not in page
    assert 'name="date_0"' in page and 'name="date_1"' in page and 'name="date_2"' in page
    assert f"Leave empty for “Meeting of the {people.board.name}”." in page


def test_a_meeting_time_may_be_written_with_a_full_stop(client, people):
    client.force_login(people.manager)
    client.post(
        reverse("meetings:meeting_create", args=[people.board.slug]),
        {**date_input("date", "2027-03-02"), "start_time": "14.00", "place": "Civic Centre"},
    )
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime.datetime(2027, 3, 2, 14, 0, tzinfo=datetime.UTC)
    page = client.get(reverse("meetings:meeting_edit", args=[meeting.pk])).text
    assert 'name="start_time" value="14:00"' in page


def test_meeting_date_and_time_mistakes_are_named_in_page_order(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("meetings:meeting_create", args=[people.board.slug]),
        {"date_0": "12", "date_1": "13", "date_2": "2027", "start_time": "2pm", "place": ""},
    )
    assert response.status_code == 400
    summary = response.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    messages = [
        "Date of the meeting must be a real date",
        "Enter the start time as hours and minutes, like 14:00",
        "Enter where the meeting takes place",
    ]
    assert [summary.index(message) for message in messages] == sorted(summary.index(m) for m in messages)
    assert 'href="#id_date_1"' in summary
    assert not Meeting.objects.exists()


def test_an_action_arising_has_a_govuk_due_date_and_a_searchable_objective(client, people):
    item = AgendaItemFactory(meeting__board=people.board)
    ObjectiveFactory(priority_area__plan__board=people.board)
    client.force_login(people.manager)
    url = reverse("meetings:action_arising_create", args=[item.pk])
    page = client.get(url).text
    assert 'data-module="app-autocomplete"' in page and 'name="objective"' in page
    assert "---------" not in page
    response = client.post(url, {"description": "x", "lead_role": "y", "due_date_0": "31", "due_date_1": "4"})
    assert "Due date must include a year" in response.text
    assert "Choose the objective the action serves" in response.text
    assert not ActionArising.objects.exists()
