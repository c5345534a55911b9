"""A manager starts a plan, adds to it, rearranges it by keyboard (in place, with
htmx) and archives it; axe-core finds nothing on each page visited."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from plans.demo import demo_password
from plans.models import Action, BusinessPlan, Objective, PlanStatus
from tests.browser.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address or username").fill(username)
    page.get_by_label("Password").fill(demo_password(username))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My boards").wait_for()


def test_manager_builds_rearranges_and_archives_a_plan(page, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        call_command("load_demo", verbosity=0)
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    page.set_default_timeout(10_000)
    sign_in(page, base, "manager")

    # Start a plan from the board page; the first try has an impossible date.
    page.get_by_role("link", name="Sunderland Safeguarding Children Board").click()
    page.get_by_role("link", name="Start a new plan").click()
    page.get_by_role("heading", name="Start a new plan").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("Title").fill("SSCB Business Plan 2027–2029")
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("4")
    start.get_by_label("Year").fill("2027")
    end = page.get_by_role("group", name="End date")
    end.get_by_label("Day").fill("31")
    end.get_by_label("Month").fill("2")
    end.get_by_label("Year").fill("2029")
    page.get_by_role("button", name="Add").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "End date must be a real date" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Title").input_value() == "SSCB Business Plan 2027–2029"
    assert_no_axe_violations(page)
    page.screenshot(path=ARTIFACTS / "plan-create-error.png", full_page=True)
    end.get_by_label("Month").fill("3")
    page.get_by_role("button", name="Add").click()
    page.get_by_role("heading", name="Add to or rearrange the plan").wait_for()
    plan = BusinessPlan.objects.get(title="SSCB Business Plan 2027–2029")

    # Two priority areas, then an objective with its evidence.
    for title in ("Child Protection", "Early Help"):
        # Offered at the top and the end of the page once the plan has areas.
        page.get_by_role("link", name="Add a priority area").first.click()
        page.get_by_label("Title").fill(title)
        page.get_by_role("button", name="Add").click()
        page.get_by_role("heading", name="Priority Area", exact=False).first.wait_for()
    assert list(plan.priority_areas.values_list("number", "title")) == [
        (1, "Child Protection"),
        (2, "Early Help"),
    ]
    # An empty priority area invites its first objective.
    assert page.get_by_text("This priority area has no objectives yet.").count() == 2
    page.get_by_role("link", name="Add its first objective to priority area 2").click()
    assert_no_axe_violations(page)
    page.get_by_label("What do we want to achieve?").fill("Families get help before a crisis")
    page.get_by_label("How was the issue identified?").fill("Peer review 2026\nEarly help audit")
    page.get_by_role("button", name="Add").click()
    page.get_by_text("Identified by: Peer review 2026; Early help audit").wait_for()
    assert_no_axe_violations(page)
    page.screenshot(path=ARTIFACTS / "plan-arrange-new.png", full_page=True)

    # Rearrange the demo plan by keyboard: move the first action of objective 1.1 down.
    demo_plan = BusinessPlan.objects.exclude(pk=plan.pk).filter(board=plan.board).first()
    objective = (
        Objective.objects.filter(priority_area__plan=demo_plan)
        .order_by("priority_area__number", "position")
        .first()
    )
    first, second = list(objective.actions.order_by("position")[:2])
    page.goto(f"{base}/plans/{demo_plan.pk}/arrange/")
    page.get_by_role("heading", name="Add to or rearrange the plan").wait_for()
    assert_no_axe_violations(page)
    page.evaluate("window.__sameDocument = true")
    move_down = page.locator(f"#action-{first.pk}").get_by_role("button", name="Move down")
    move_down.focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").get_by_text("Moved the action down.").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    # Focus stayed on the moved action's button, so the user can keep moving it.
    focused = page.evaluate("document.activeElement.closest('li') && document.activeElement.closest('li').id")
    assert focused == f"action-{first.pk}"
    assert page.evaluate("document.activeElement.textContent").startswith("Move")
    assert list(objective.actions.order_by("position").values_list("pk", flat=True)[:2]) == [
        second.pk,
        first.pk,
    ]
    assert_no_axe_violations(page)
    page.screenshot(path=ARTIFACTS / "plan-arrange-moved.png", full_page=False)

    # The plan page shows the new order.
    page.goto(f"{base}{demo_plan.get_absolute_url()}")
    text = page.locator("main").inner_text()
    assert text.index(second.description[:60]) < text.index(first.description[:60])

    # Remove the new plan's objective again (it has no actions): asked first.
    page.goto(f"{base}/plans/{plan.pk}/arrange/")
    page.get_by_role("link", name="Remove objective 2.1").click()
    page.get_by_role("heading", name="Remove this objective?").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Remove objective").click()
    page.get_by_text("The objective was removed.").wait_for()
    assert not Objective.objects.filter(priority_area__plan=plan).exists()

    # Archive the new plan: asked first, then read-only.
    page.goto(f"{base}{plan.get_absolute_url()}")
    page.get_by_role("link", name="Archive this plan").click()
    page.get_by_role("heading", name="Archive this plan?").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Archive plan").click()
    page.locator("#archived-notice").wait_for()
    assert_no_axe_violations(page)
    page.screenshot(path=ARTIFACTS / "plan-archived.png", full_page=False)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ARCHIVED
    assert page.get_by_role("link", name="Edit plan").count() == 0
    page.get_by_role("button", name="Restore this plan").click()
    page.get_by_role("link", name="Edit plan").wait_for()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert Action.objects.filter(objective__priority_area__plan=plan).count() == 0

    # The restored plan is a draft: tagged, explained, and a manager approves it.
    page.locator("#draft-notice").wait_for()
    assert_no_axe_violations(page)
    page.screenshot(path=ARTIFACTS / "plan-draft.png", full_page=False)
    page.get_by_role("button", name="Approve this plan").click()
    page.locator("#approval-record").wait_for()
    assert_no_axe_violations(page)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by.username == "manager"
    # Revising starts a new draft version; the approved one stays in force meanwhile.
    page.get_by_role("button", name="Revise this plan (start a new draft version)").click()
    page.locator("#draft-notice").wait_for()
    assert "This plan is a draft (version 2)" in page.locator("#draft-notice").inner_text()
    assert BusinessPlan.objects.get(revision_of=plan).status == PlanStatus.DRAFT
