"""The GOV.UK date input and the responsible-person picker on the action edit page, in a browser
(issue 14, points 6 and 8): the error summary leads to the wrong box, only that box is red,
axe finds nothing at a phone's width and a laptop's, and a cleared picker saves "None"."""

import datetime
from pathlib import Path

import pytest
import time_machine

from boards.models import Role
from plans.models import Action
from tests.browser.axe import assert_no_axe_violations
from tests.factories import ActionFactory, BoardFactory, BusinessPlanFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_wrong_month_is_named_linked_and_marked_and_a_cleared_picker_saves_none(page, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        board = BoardFactory(short_name="LSCB")
        manager = UserFactory(username="lscb.manager", first_name="Ruth", last_name="Okafor")
        MembershipFactory(user=manager, board=board, role=Role.MANAGER)
        plan = BusinessPlanFactory(board=board)
        action = ActionFactory(objective__priority_area__plan=plan, responsible=manager)

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address or username").fill("lscb.manager")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="My boards").wait_for()

        page.goto(f"{live_server.url}/plans/actions/{action.pk}/edit/")
        page.locator("input#id_responsible").wait_for()  # enhanced once the library has loaded
        due = page.get_by_role("group", name="Due date")
        assert due.get_by_label("Day").input_value() == "31"
        due.get_by_label("Month").fill("13")
        page.get_by_label("Reason for changing the due date (only if you change it)").fill("Moved")
        responsible = page.get_by_role("combobox", name="Responsible person")
        assert responsible.input_value() == "Ruth Okafor"
        responsible.fill("")
        page.get_by_role("button", name="Save changes").click()

        summary = page.locator(".govuk-error-summary")
        summary.wait_for()
        page.locator("input#id_responsible").wait_for()
        assert summary.get_by_role("link").all_inner_texts() == ["Due date must be a real date"]
        due = page.get_by_role("group", name="Due date")
        assert "Due date must be a real date" in due.inner_text()
        boxes = {label: due.get_by_label(label) for label in ("Day", "Month", "Year")}
        assert {
            label: "govuk-input--error" in box.get_attribute("class") for label, box in boxes.items()
        } == {
            "Day": False,
            "Month": True,
            "Year": False,
        }
        assert boxes["Month"].input_value() == "13"  # what was typed is kept
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"action-edit-date-error-{width}.png", full_page=True)
            assert_no_axe_violations(page)
        summary.get_by_role("link", name="Due date must be a real date").click()
        assert page.evaluate("document.activeElement.id") == "id_due_date_1"

        page.keyboard.press("Control+A")
        page.keyboard.type("3")
        page.get_by_role("group", name="Due date").get_by_label("Year").fill("2027")
        page.get_by_role("combobox", name="Responsible person").fill("")
        page.get_by_role("button", name="Save changes").click()
        page.get_by_role("heading", name=action.description, level=1).wait_for()
    action = Action.objects.get(pk=action.pk)
    assert action.due_date == datetime.date(2027, 3, 31)
    assert action.responsible is None
