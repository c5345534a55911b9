"""The service navigation folds behind "Menu" on a phone (and works without
JavaScript); focus lands somewhere sensible after an in-place change."""

import datetime
from pathlib import Path

import pytest
import time_machine

from boards.models import Role
from tests.factories import ActionFactory, BoardFactory, BusinessPlanFactory, MembershipFactory, UserFactory
from tests.reviews.factories import RecommendationActionFactory, RecommendationFactory, ReviewFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "correct horse battery staple"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My boards").wait_for()


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


@pytest.fixture
def manager(db):
    board = BoardFactory(short_name="LSCB")
    user = UserFactory(username="lscb.manager")
    MembershipFactory(user=user, board=board, role=Role.MANAGER)
    return user


def test_on_a_phone_the_menu_opens_by_keyboard_in_reading_order(browser, live_server, manager):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, live_server, "lscb.manager")
    menu = page.get_by_role("button", name="Menu")
    my_actions = page.get_by_role("navigation", name="Menu").get_by_role("link", name="My actions")
    assert menu.is_visible()
    assert not my_actions.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"

    # Tab order: skip link, the product name, then Menu; opened, its links follow it.
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to main content"
    page.keyboard.press("Tab")
    assert focused_text(page) == "Safeguarding Board Planner"
    page.keyboard.press("Tab")
    assert focused_text(page) == "Menu"
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert my_actions.is_visible()
    page.keyboard.press("Tab")
    assert focused_text(page) == "My boards"
    page.keyboard.press("Tab")
    assert focused_text(page) == "My actions"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "menu-open-390.png")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My actions", level=1).wait_for()
    page.context.close()


def test_on_a_laptop_the_links_show_without_a_menu_button(browser, live_server, manager):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(page, live_server, "lscb.manager")
    assert not page.get_by_role("button", name="Menu").is_visible()
    nav = page.get_by_role("navigation", name="Menu")
    for name in ("My boards", "My actions", "Meetings", "Reviews", "Frameworks", "Notifications"):
        assert nav.get_by_role("link", name=name).is_visible()
    assert nav.get_by_role("button", name="Sign out").is_visible()
    page.context.close()


def test_without_javascript_the_phone_menu_shows_every_link(browser, live_server, manager):
    page = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False).new_page()
    sign_in(page, live_server, "lscb.manager")
    assert page.get_by_role("button", name="Menu").count() == 0  # hidden, so not in the tree
    nav = page.get_by_role("navigation", name="Menu")
    for name in ("My boards", "My actions", "Meetings", "Reviews", "Frameworks", "Notifications"):
        assert nav.get_by_role("link", name=name).is_visible()
    nav.get_by_role("link", name="Meetings").click()
    page.get_by_role("heading", name="Meetings", level=1).wait_for()
    page.context.close()


def test_unlinking_a_recommendations_action_moves_focus_to_that_recommendation(page, live_server, manager):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        board = manager.memberships.get().board
        plan = BusinessPlanFactory(board=board, title="Safeguarding Improvement Plan")
        action = ActionFactory(objective__priority_area__plan=plan, description="Audit 35 case records")
        review = ReviewFactory(partnership=board.partnership, title="Diagnostic Review")
        RecommendationFactory(review=review, number=1, text="Improve the quality of case recording.")
        second = RecommendationFactory(review=review, number=2, text="Strengthen supervision.")
        RecommendationActionFactory(recommendation=second, action=action)

        sign_in(page, live_server, "lscb.manager")
        page.goto(f"{live_server.url}{review.get_absolute_url()}")
        unlink = page.locator("#recommendation-2").get_by_role("button", name="Unlink")
        unlink.focus()
        page.keyboard.press("Enter")
        page.locator("#recommendation-2 .app-flag").wait_for()
        assert page.evaluate("document.activeElement.id") == "recommendation-2-title"
        assert page.locator("#traceability-status").inner_text() == "Action unlinked from recommendation 2."
