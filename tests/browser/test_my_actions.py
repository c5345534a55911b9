"""A chair updates an action from My actions by keyboard, in place (htmx, no reload);
the manager then sees the update and its history entry."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plans.demo import demo_password
from plans.models import Action, ProgressUpdate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo_password(username))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My boards").wait_for()


def test_chair_updates_progress_in_place_and_the_manager_sees_it(browser, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        call_command("load_demo", verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)

    chair = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(chair, live_server, "qa.chair")
    chair.get_by_role("link", name="My actions").click()
    chair.get_by_role("heading", name="My actions", level=1).wait_for()

    row = chair.locator("li.app-my-action").first
    action = Action.objects.get(pk=int(row.get_attribute("id").removeprefix("my-action-")))
    # Mark the document: a full page load would lose the mark.
    chair.evaluate("window.__sameDocument = true")
    navigations = []
    chair.on("framenavigated", lambda frame: navigations.append(frame.url))

    # Keyboard only: type the note, Tab to the status and RAG selects, Enter to save.
    progress = row.get_by_label("Progress update")
    progress.focus()
    chair.keyboard.type("Terms of reference agreed <b>by all partners</b>.")
    chair.keyboard.press("Tab")  # status
    assert chair.evaluate("document.activeElement.name").endswith("-status")
    chair.keyboard.press("Tab")  # RAG
    assert chair.evaluate("document.activeElement.name").endswith("-rag")
    chair.keyboard.press("Tab")  # the save button
    assert chair.evaluate("document.activeElement.textContent").startswith("Save update")
    chair.keyboard.press("Enter")

    saved = chair.locator(f"#my-action-{action.pk} .app-saved")
    saved.wait_for()
    assert chair.evaluate("window.__sameDocument") is True
    assert navigations == []
    updated_row = chair.locator(f"#my-action-{action.pk}")
    assert (
        "Terms of reference agreed <b>by all partners</b>."
        in updated_row.locator(".app-latest-progress").inner_text()
    )
    # Focus moved to the confirmation, so keyboard and screen-reader users hear it.
    assert chair.evaluate("document.activeElement.classList.contains('app-saved')")
    chair.screenshot(path=ARTIFACTS / "my-actions-after-update.png", full_page=False)
    assert ProgressUpdate.objects.filter(action=action, text__startswith="Terms of reference").exists()

    # A RAG change from the same row, by keyboard: a select changes with the arrow keys.
    action.refresh_from_db()
    new_rag, new_label = ("amber", "Amber") if action.rag != "amber" else ("green", "Green")
    rag = chair.locator(f"#my-action-{action.pk}").get_by_label("RAG rating")
    rag.select_option(new_rag)
    chair.locator(f"#my-action-{action.pk}").get_by_role("button", name="Save update").press("Enter")
    chair.locator(f"#my-action-{action.pk} .app-current-state").get_by_text(new_label).wait_for()
    assert navigations == []
    action.refresh_from_db()
    assert action.rag == new_rag

    manager = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(manager, live_server, "manager")
    manager.goto(f"{live_server.url}{action.get_absolute_url()}")
    manager.get_by_role("heading", name="Progress log").wait_for()
    assert (
        "Terms of reference agreed <b>by all partners</b>."
        in manager.locator("#progress").locator("..").inner_text()
    )
    manager.get_by_role("link", name="History of changes").click()
    entry = manager.locator(".app-history__entry").first
    entry.wait_for()
    text = entry.inner_text()
    assert "Changed by" in text
    assert "RAG rating" in text and new_label in text
    chair_user = get_user_model().objects.get(username="qa.chair")
    assert f"Changed by {chair_user.get_full_name() or chair_user.username}" in text
    assert "Revert this change" in text
    manager.screenshot(path=ARTIFACTS / "action-history.png", full_page=True)
