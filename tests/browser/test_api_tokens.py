"""A manager makes an API token in the browser, copies it once, uses it against the live
API, and revokes it; each token page is axe-clean and does not scroll sideways at 1366 and
390 px (screenshots in test-artifacts/). The API docs (Swagger UI from our own files) load
under the site's CSP with nothing refused in the console."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from api.models import ApiToken
from boards.models import Role
from tests.browser.axe import assert_no_axe_violations
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = (1366, 390)


def signed_in_page(browser, live_server, user, width: int):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def check(page, name: str, width: int, errors: list[str]) -> None:
    """Nothing in the console from the page itself (checked before axe, whose own injection
    the CSP refuses with a console message), axe-clean, no sideways scroll, a screenshot."""
    assert errors == [], name
    assert_no_axe_violations(page)
    errors.clear()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    page.screenshot(path=str(ARTIFACTS / f"api-{name}-{width}.png"), full_page=True)


def _console_errors_into(errors: list[str]):
    return lambda message: errors.append(message.text) if message.type == "error" else None


def test_make_use_and_revoke_a_token(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    manager = UserFactory(username="pat.manager", first_name="Pat", last_name="Manager")
    for short_name in ("SSCB", "SSAB"):
        board = BoardFactory(short_name=short_name, name=f"Sunderland {short_name}")
        MembershipFactory(user=manager, board=board, role=Role.MANAGER)

    for width in WIDTHS:
        page = signed_in_page(browser, live_server, manager, width)
        errors: list[str] = []
        page.on("console", _console_errors_into(errors))
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="API access tokens").click()
        page.get_by_role("heading", name="API access tokens", level=1).wait_for()
        check(page, "tokens-empty", width, errors)

        page.get_by_role("button", name="Make a new token").click()
        page.get_by_role("heading", name="Make an API access token").wait_for()
        page.get_by_role("button", name="Make the token").click()
        page.get_by_role("heading", name="There is a problem").wait_for()
        check(page, "token-form-errors", width, errors)

        page.get_by_label("Name").fill(f"Power BI dashboard {width}")
        page.get_by_label("Sunderland SSCB (SSCB)", exact=False).check()
        page.get_by_label("Read and write", exact=False).check()
        page.get_by_label("In 30 days").check()
        page.get_by_role("button", name="Make the token").click()
        page.get_by_role("heading", name="Token made").wait_for()
        secret = page.get_by_label(f"Your token “Power BI dashboard {width}”").input_value()
        check(page, "token-created", width, errors)

        # The token works against the live API, for its one board.
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/boards/", headers={"Authorization": f"Bearer {secret}"}
        )
        with urllib.request.urlopen(request) as answer:
            boards = json.load(answer)["results"]
        assert [b["short_name"] for b in boards] == ["SSCB"]

        page.get_by_role("link", name="Back to your API access tokens").click()
        page.get_by_role("heading", name=f"Power BI dashboard {width}").wait_for()
        assert secret not in page.content()
        check(page, "tokens-one", width, errors)
        page.get_by_role("button", name=f"Revoke Power BI dashboard {width}").click()
        page.get_by_text("is revoked: it no longer works").wait_for()
        check(page, "tokens-revoked", width, errors)
        page.context.close()

    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 2


def test_api_docs_load_under_our_csp(browser, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.get_by_text("Safeguarding Board Planner API").first.wait_for()
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 20
    page.screenshot(path=str(ARTIFACTS / "api-docs-1366.png"))
    assert problems == []
