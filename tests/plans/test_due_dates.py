"""The due-date ledger: every request, decision, manager's change, revert and bulk import is
an entry, and every page that tells a due date's past reads those entries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from plans.models import Action, DueDateChange
from tests.plans.test_permissions import action_edit_data, date_fields

pytestmark = pytest.mark.django_db

Kind = DueDateChange.Kind


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def ledger(action: Action) -> list[tuple[str, datetime.date | None, datetime.date | None]]:
    return [
        (entry.kind, entry.old_due_date, entry.new_due_date)
        for entry in DueDateChange.objects.filter(action=action).order_by("made_at", "pk")
    ]


def ask(client, action: Action, day: datetime.date, reason: str = "Partner agencies asked for time."):
    return client.post(
        reverse("plans:due_date_request", args=[action.pk]),
        {**date_fields("new_due_date", day), "reason": reason},
    )


def manager_edit(client, action: Action, day: datetime.date, reason: str):
    action.refresh_from_db()
    data = {**action_edit_data(action), **date_fields("due_date", day), "due_date_reason": reason}
    return client.post(reverse("plans:action_edit", args=[action.pk]), data)


DEC_2026, MAR_2027, JUN_2027 = (
    datetime.date(2026, 12, 31),
    datetime.date(2027, 3, 31),
    datetime.date(2027, 6, 30),
)


def test_a_request_and_its_approval_are_two_entries_and_both_pages_say_originally(client, people, own):
    client.force_login(people.chair)
    assert ask(client, own.led, datetime.date(2027, 3, 5)).status_code == 302
    request = DueDateChange.objects.get(action=own.led, kind=Kind.REQUESTED)
    assert request.new_due_date == MAR_2027  # a month timescale: the month's last day
    assert request.made_by == people.chair
    own.led.refresh_from_db()
    assert own.led.due_date == DEC_2026  # not moved until approved

    client.force_login(people.manager)
    assert "Waiting for a manager" in client.get(own.led.get_absolute_url()).text
    response = client.post(reverse("plans:due_date_decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 302
    own.led.refresh_from_db()
    assert own.led.due_date == MAR_2027
    assert ledger(own.led) == [(Kind.REQUESTED, DEC_2026, MAR_2027), (Kind.APPROVED, DEC_2026, MAR_2027)]
    approval = DueDateChange.objects.get(action=own.led, kind=Kind.APPROVED)
    assert approval.request == request and approval.made_by == people.manager

    client.force_login(people.member)
    page = client.get(own.led.get_absolute_url()).text
    assert "Originally December 2026, now March 2027" in page
    assert "Reason given: Partner agencies asked for time." in page
    assert "Waiting for a manager" not in page
    plan_page = client.get(own.plan.get_absolute_url()).text
    assert "Originally December 2026, now March 2027" in plan_page


def test_a_second_open_request_is_refused_with_the_form_kept(client, people, own):
    client.force_login(people.chair)
    ask(client, own.led, datetime.date(2027, 3, 5), "First")
    response = ask(client, own.led, datetime.date(2027, 4, 5), "Second")
    assert response.status_code == 200
    assert "There is already a request waiting" in response.text
    assert "Second" in response.text  # the form keeps what was typed
    assert ledger(own.led) == [(Kind.REQUESTED, DEC_2026, MAR_2027)]


def test_a_refusal_is_an_entry_and_leaves_the_due_date(client, people, own):
    client.force_login(people.manager)
    client.post(reverse("plans:due_date_decide", args=[own.request.pk]), {"decision": "refuse"})
    own.unled.refresh_from_db()
    assert own.unled.due_date == DEC_2026
    assert ledger(own.unled) == [(Kind.REQUESTED, DEC_2026, MAR_2027), (Kind.REFUSED, DEC_2026, DEC_2026)]
    assert own.unled.first_due_date == DEC_2026 and own.unled.original_timescale == ""
    page = client.get(own.unled.get_absolute_url()).text
    assert "Request refused" in page and "Waiting for a manager" not in page
    # The lead may ask again once the first request is decided.
    client.force_login(people.manager)
    assert not DueDateChange.objects.filter(action=own.unled).open_requests().exists()


def test_a_decided_request_cannot_be_decided_again(client, people, own):
    client.force_login(people.manager)
    url = reverse("plans:due_date_decide", args=[own.request.pk])
    client.post(url, {"decision": "refuse"})
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "already been decided" in response.text
    own.unled.refresh_from_db()
    assert own.unled.due_date == DEC_2026
    assert len(ledger(own.unled)) == 2


def test_manager_changes_are_entries_and_the_first_due_date_is_kept(client, people, own):
    client.force_login(people.manager)
    assert manager_edit(client, own.led, MAR_2027, "Slipped once").status_code == 302
    assert manager_edit(client, own.led, JUN_2027, "Slipped again").status_code == 302
    own.led.refresh_from_db()
    assert own.led.due_date == JUN_2027
    assert ledger(own.led) == [(Kind.CHANGED, DEC_2026, MAR_2027), (Kind.CHANGED, MAR_2027, JUN_2027)]
    assert own.led.first_due_date == DEC_2026
    assert Action.objects.with_first_due_date().get(pk=own.led.pk).first_due_date == DEC_2026
    page = client.get(own.led.get_absolute_url()).text
    assert "Originally December 2026, now June 2027" in page
    assert "Reason given: Slipped again" in page


def test_a_manager_request_is_a_change_applied_at_once(client, people, own):
    client.force_login(people.manager)
    ask(client, own.led, datetime.date(2027, 1, 15), "Board agreed")
    own.led.refresh_from_db()
    assert own.led.due_date == datetime.date(2027, 1, 31)
    assert ledger(own.led) == [(Kind.CHANGED, DEC_2026, datetime.date(2027, 1, 31))]


def _revert_latest(client, action: Action):
    record = action.history.order_by("-history_id").first()
    return client.post(
        reverse("plans:history_revert", kwargs={"kind": "action", "pk": action.pk}),
        {"history_id": record.history_id},
    )


def test_a_revert_from_history_adds_a_reversal_entry_and_every_reader_agrees(client, people, own):
    client.force_login(people.manager)
    manager_edit(client, own.led, MAR_2027, "Slipped")
    changed = DueDateChange.objects.get(action=own.led, kind=Kind.CHANGED)
    assert _revert_latest(client, own.led).status_code == 302

    own.led.refresh_from_db()
    assert own.led.due_date == DEC_2026
    assert ledger(own.led) == [(Kind.CHANGED, DEC_2026, MAR_2027), (Kind.REVERTED, MAR_2027, DEC_2026)]
    reversal = DueDateChange.objects.get(action=own.led, kind=Kind.REVERTED)
    assert reversal.reverses == changed and reversal.made_by == people.manager
    assert reversal.reason.startswith("Reverted the change")

    # The action page lists both entries; the date is back where it started, so neither
    # page says "Originally".
    page = client.get(own.led.get_absolute_url()).text
    assert page.count('id="due-date-change-') == 2
    assert "Reverted from the history" in page and "Undoes the change of 23 November 2026" in page
    assert "Originally" not in page
    assert "Originally" not in client.get(own.plan.get_absolute_url()).text
    # The revert's row and the summary say where the date went back to and which change
    # (with its reason) was undone, never "Reason given: Reverted the change …".
    undone = "Reverted to 31 December 2026: the change of 23 November 2026 (“Slipped”) was undone"
    row = page[page.index(f'id="due-date-change-{reversal.pk}"') :].split("</tr>")[0]
    assert undone in row
    assert f"{undone} on 23 November 2026" in page
    assert "Reason given: Reverted" not in page


def test_the_ledger_is_read_with_the_plan_in_a_fixed_number_of_queries(
    people, own, django_assert_num_queries
):
    """with_first_due_date() reads every action's first due date in the plan's own query,
    so the plan page does not query the ledger once per row."""
    for action in (own.led, own.unled):
        DueDateChange.objects.create(
            action=action, kind=Kind.CHANGED, old_due_date=DEC_2026, new_due_date=MAR_2027, reason="x"
        )
    with django_assert_num_queries(1):
        firsts = [
            a.first_due_date
            for a in Action.objects.with_first_due_date().filter(pk__in=[own.led.pk, own.unled.pk])
        ]
    assert firsts == [DEC_2026, DEC_2026]


def test_ledger_constraints_refuse_incoherent_entries(own):
    from django.db import IntegrityError, transaction

    bad = [
        {"kind": Kind.CHANGED, "reason": ""},  # a manager's change needs a reason
        {"kind": Kind.APPROVED, "reason": ""},  # an approval must name its request
        {"kind": Kind.CHANGED, "reason": "x", "reverses": own.request},  # only a revert reverses
        {"kind": "wiped", "reason": "x"},
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            DueDateChange.objects.create(
                action=own.led, old_due_date=DEC_2026, new_due_date=MAR_2027, **fields
            )
