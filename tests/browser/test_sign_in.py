import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from plans.demo import demo_password
from plans.models import BusinessPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_manager_signs_in_and_sees_the_plan(page, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        call_command("load_demo")
    plan = BusinessPlan.objects.get(board__slug="sunderland-sscb")

    page.goto(f"{live_server.url}/")
    assert page.title().startswith("Sign in")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(demo_password("manager"))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My boards").wait_for()

    page.get_by_role("link", name="Sunderland Safeguarding Children Board").click()
    page.get_by_role("link", name=plan.title).click()
    page.get_by_role("heading", name=plan.title, level=1).wait_for()
    assert page.get_by_role("heading", name="Priority Area 1 – Child Protection").is_visible()
    first_area = page.locator("section", has=page.locator("#priority-area-1"))
    headers = first_area.locator("table thead th").all_inner_texts()
    assert "What do we want to achieve?" in headers[0]
    assert page.get_by_role("columnheader", name="Measure").first.is_visible()
    assert page.locator("section[aria-labelledby^='priority-area-']").count() == 10

    page.get_by_role("link", name="Establish Professional Child Protection User Group").click()
    page.get_by_role("heading", name="Progress log").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "action-page.png")


def test_wrong_password_shows_the_error_summary(page, live_server, django_user_model):
    django_user_model.objects.create_user("maria", password="a long enough password")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    assert page.get_by_label("Username").input_value() == "maria"
