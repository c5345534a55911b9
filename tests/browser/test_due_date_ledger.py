"""A manager reverts a due-date change from the history page; the action page then lists the
whole ledger (request, approval, change, reversal), readable at 1366 and 390 px."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from plans import due_dates
from plans.demo import demo_password
from plans.models import Action, DueDateChange
from tests.browser.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo_password(username))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My boards").wait_for()


def test_a_revert_adds_a_reversal_and_the_action_page_shows_the_ledger(browser, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        call_command("load_demo", verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)
    action = Action.objects.filter(
        objective__priority_area__plan__board__slug="sunderland-sscb",
        due_date__isnull=False,
        status="in_progress",
    ).first()
    manager = action.objective.priority_area.plan.board.memberships.get(user__username="manager").user
    chair = action.objective.priority_area.plan.board.memberships.get(user__username="qa.chair").user
    first = action.due_date
    later = first.replace(year=first.year + 1)
    request = due_dates.request_change(
        action.pk,
        chair,
        later,
        "Partner agencies asked for time.",
        may_request=lambda a: True,
        applies_at_once=lambda a: False,
    )
    due_dates.decide_request(request.pk, manager, approve=True, may_decide=lambda a: True)
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        due_dates.change_due_date(
            locked, later.replace(year=later.year + 1), user=manager, reason="Typed a year too far"
        )

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_server, "manager")
    page.goto(live_server.url + reverse("plans:history", kwargs={"kind": "action", "pk": action.pk}))
    page.get_by_role("button", name="Revert this change").first.click()
    page.get_by_text("The change was reverted").wait_for()

    action.refresh_from_db()
    assert action.due_date == later
    assert list(DueDateChange.objects.filter(action=action).values_list("kind", flat=True)) == [
        "requested",
        "approved",
        "changed",
        "reverted",
    ]

    page.goto(f"{live_server.url}{action.get_absolute_url()}#due-date-changes")
    heading = page.get_by_role("heading", name="Due date changes")
    heading.wait_for()
    timescale = page.locator(".govuk-summary-list__row", has_text="Timescale").inner_text()
    assert f"Originally {first:%B %Y}, now {later:%B %Y}" in timescale
    table = page.locator("#due-date-changes + p + table")
    assert table.locator("tbody tr").count() == 4
    assert "Reverted from the history" in table.inner_text()
    # The revert's reason says where the date went back to and which change was undone.
    undone = f"Reverted to {later.day} {later:%B %Y}: the change of"
    assert undone in table.locator("tbody tr").first.inner_text()
    assert undone in timescale and "Reason given: Reverted" not in timescale
    assert_no_axe_violations(page)
    heading.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "action-after-revert-1366.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{action.get_absolute_url()}#due-date-changes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert_no_axe_violations(page)
    page.screenshot(path=ARTIFACTS / "action-after-revert-390.png", full_page=True)
