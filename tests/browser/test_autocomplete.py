"""Long pickers are searchable boxes (accessible-autocomplete over the select), and work by
keyboard alone: issue 14, point 8 and its must-show keyboard-only test of "link an action"."""

import datetime
from pathlib import Path

import pytest
import time_machine

from boards.models import Role
from plans.models import Action
from reviews.models import RecommendationAction
from tests.browser.axe import assert_no_axe_violations
from tests.factories import (
    BoardFactory,
    BusinessPlanFactory,
    MembershipFactory,
    ObjectiveFactory,
    PriorityAreaFactory,
    UserFactory,
)
from tests.reviews.factories import RecommendationFactory, ReviewFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"
TARGET = "Re-audit the 35 case records with the designated nurse"


def large_plan(board, actions: int = 1000):
    """A plan of 10 priority areas × 10 objectives × 10 actions, one of them TARGET (4.7)."""
    plan = BusinessPlanFactory(board=board, title="Safeguarding Business Plan")
    rows = []
    for area_number in range(1, 11):
        area = PriorityAreaFactory(plan=plan, number=area_number, title=f"Priority {area_number}")
        for position in range(1, 11):
            objective = ObjectiveFactory(
                priority_area=area,
                position=position,
                number=f"{area_number}.{position}",
                description=f"Objective {area_number}.{position}",
            )
            for index in range(1, actions // 100 + 1):
                description = f"Action {index} of objective {objective.number}: keep the audit cycle going"
                if objective.number == "4.7" and index == 6:
                    description = TARGET
                rows.append(
                    Action(
                        objective=objective,
                        position=index,
                        description=description,
                        lead_role="Chair of Quality Assurance",
                        due_date=datetime.date(2027, 3, 31),
                    )
                )
    Action.objects.bulk_create(rows)
    return plan


def focused(page) -> dict:
    return page.evaluate(
        r"""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, text: (e.value || e.textContent || "").replace(/\s+/g, " ").trim(), role: e.getAttribute("role")}; }"""
    )


def tab_to(page, matches, limit: int = 80) -> dict:
    """Press Tab until the focused element matches; fail if it never does (a keyboard trap or a
    control out of reach)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError(f"Tab never reached the element; last focus: {focused(page)}")


def sign_in_by_keyboard(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, lambda e: e["tag"] == "INPUT" and e["id"] == "id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My boards").wait_for()


def option_texts(page) -> list[str]:
    return page.locator("#id_action__listbox li[role=option]").all_inner_texts()


def test_a_manager_links_an_action_from_a_plan_of_1000_by_keyboard_alone(page, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        board = BoardFactory(short_name="LSCB")
        manager = UserFactory(username="lscb.manager")
        MembershipFactory(user=manager, board=board, role=Role.MANAGER)
        large_plan(board)
        target = Action.objects.get(description=TARGET)
        review = ReviewFactory(partnership=board.partnership, title="LGA Safeguarding Peer Review")
        recommendation = RecommendationFactory(
            review=review, number=1, text="Improve the quality of case recording."
        )

        sign_in_by_keyboard(page, live_server.url, "lscb.manager")
        page.goto(f"{live_server.url}{review.get_absolute_url()}")
        tab_to(page, lambda e: e["tag"] == "A" and "Link an action to recommendation 1" in e["text"])
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Link an action to recommendation 1").wait_for()

        # The select became a combobox labelled as the select was; Tab reaches it.
        page.locator("input#id_action").wait_for()  # enhanced once the library has loaded
        box = page.get_by_role("combobox", name="Action that answers this recommendation")
        assert page.locator("#id_action-select").is_hidden()
        element = tab_to(page, lambda e: e["id"] == "id_action")
        assert element["role"] == "combobox"
        assert "id_action_hint" in box.get_attribute("aria-describedby")

        # Searching by words finds the one action among 1,000.
        page.keyboard.type("35 case records")
        page.locator("#id_action__listbox li[role=option]").first.wait_for()
        assert option_texts(page) == [f"LSCB · Safeguarding Business Plan · 4.7: {TARGET}"]
        # Searching by number: every action of objective 4.7 (and none of 4.6 or 4.8).
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        page.keyboard.type("· 4.7:")
        page.wait_for_function(
            "document.querySelectorAll('#id_action__listbox li[role=option]').length === 10"
        )
        assert all("· 4.7:" in text for text in option_texts(page))
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "link-action-autocomplete-1366.png", full_page=True)
        assert_no_axe_violations(page)

        # Arrow down through the matches (each is read out) to the one wanted; Enter confirms it.
        for _ in range(10):
            page.keyboard.press("ArrowDown")
            if TARGET in focused(page)["text"]:
                break
        assert focused(page)["role"] == "option"
        assert TARGET in focused(page)["text"]
        page.keyboard.press("Enter")
        assert box.input_value() == f"LSCB · Safeguarding Business Plan · 4.7: {TARGET}"
        assert page.locator("#id_action-select").input_value() == str(target.pk)

        tab_to(page, lambda e: e["tag"] in ("BUTTON", "INPUT") and e["text"] == "Link action")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name=review.title, level=1).wait_for()
        assert "Action linked to recommendation 1." in page.locator(".govuk-notification-banner").inner_text()
    assert RecommendationAction.objects.filter(recommendation=recommendation, action=target).exists()


def test_a_cleared_or_unmatched_box_sends_no_stale_choice(page, live_server):
    """The library updates the select only on a confirmed option: typing over a chosen action
    must not quietly link the old one."""
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        board = BoardFactory(short_name="LSCB")
        manager = UserFactory(username="lscb.manager")
        MembershipFactory(user=manager, board=board, role=Role.MANAGER)
        large_plan(board, actions=100)
        review = ReviewFactory(partnership=board.partnership, title="LGA Safeguarding Peer Review")
        recommendation = RecommendationFactory(review=review, number=1)

        sign_in_by_keyboard(page, live_server.url, "lscb.manager")
        page.goto(f"{live_server.url}/reviews/recommendations/{recommendation.pk}/link/")
        page.locator("input#id_action").wait_for()
        box = page.get_by_role("combobox", name="Action that answers this recommendation")
        box.click()
        page.keyboard.type("4.7")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert page.locator("#id_action-select").input_value() != ""
        page.keyboard.press("Control+A")
        page.keyboard.type("something that is not an action")
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Link action").click()

        summary = page.locator(".govuk-error-summary")
        summary.wait_for()
        assert "Choose an action from the list" in summary.inner_text()
        page.locator("input#id_action").wait_for()
        # The error is on the box as well: red border and the message read with it.
        box = page.get_by_role("combobox", name="Action that answers this recommendation")
        assert "govuk-input--error" in box.get_attribute("class")
        assert "id_action_1_error" in box.get_attribute("aria-describedby")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=ARTIFACTS / "link-action-error-390.png", full_page=True)
        assert_no_axe_violations(page)
    assert not RecommendationAction.objects.exists()
