"""Accounts and board administration in headless Chromium: axe-core finds no WCAG 2.2 A/AA
violations on any page visited, and the keyboard works (skip link, visible focus)."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from plans.demo import demo_password
from tests.browser.axe import assert_no_axe_violations, axe_violations
from tests.factories import SubCommitteeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "plum orchard lantern 42"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Reports, for the element that has focus, whether a focus indicator is drawn:
# GOV.UK's yellow (#ffdd00) background, a 2px+ outline or a box-shadow.
FOCUS_STYLE = """
() => {
  const el = document.activeElement;
  // GOV.UK radios and checkboxes hide the input and draw focus on the label's ::before.
  const custom = el.matches(".govuk-radios__input, .govuk-checkboxes__input");
  const style = custom ? getComputedStyle(el.nextElementSibling, "::before") : getComputedStyle(el);
  const yellow = "rgb(255, 221, 0)";
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== "none";
  return {
    tag: el.tagName, text: (el.innerText || el.name || el.id || "").trim().slice(0, 40),
    visible: outline || shadow || style.backgroundColor === yellow || style.outlineColor === yellow,
  };
}
"""


@pytest.fixture
def demo(db):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        call_command("load_demo")


def sign_in(page, base_url, login, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address or username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_manager_pages_and_invitation_have_no_axe_violations(page, live_server, demo):
    base = live_server.url
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    assert_no_axe_violations(page)
    sign_in(page, base, "manager@example.org", "wrong password")
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)

    sign_in(page, base, "MANAGER@example.org", demo_password("manager"))
    page.get_by_role("heading", name="My boards").wait_for()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Sunderland Safeguarding Children Board").click()
    page.get_by_role("heading", name="Members").wait_for()
    assert_no_axe_violations(page)
    board_url = page.url

    page.get_by_role("link", name="Sunderland Safeguarding Children Board Business Plan").click()
    page.locator("h1").wait_for()
    assert_no_axe_violations(page)
    page.locator("main a[href*='/plans/actions/']").first.click()
    page.get_by_role("heading", name="Progress log").wait_for()
    assert_no_axe_violations(page)

    page.goto(board_url)
    page.get_by_role("link", name=re.compile(r"^Change role of Demo Member")).click()
    page.get_by_role("heading", name="Demo Member").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("^Remove Demo Member")).click()
    assert_no_axe_violations(page)

    page.goto(board_url)
    page.get_by_role("link", name="Add a sub-committee").click()
    page.get_by_role("button", name="Save sub-committee").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("Name").fill("Audit Sub-committee")
    page.get_by_label("Chair").select_option(label="Demo Member")
    page.get_by_role("button", name="Save sub-committee").click()
    page.get_by_text("Audit Sub-committee was saved.").wait_for()

    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("E-mail address").fill("nia.reed@example.org")
    page.get_by_label("Chair").check()
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("An invitation is on its way to nia.reed@example.org.").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()

    link = re.search(r"https?://\S+(/accounts/invitations/[\w-]+/)", mail.outbox[-1].body).group(1)
    page.goto(base + link)
    page.get_by_role("heading", name=re.compile("^Join ")).wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("First name").fill("Nia")
    page.get_by_role("button", name="Create account and join the board").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)
    assert page.get_by_label("First name").input_value() == "Nia"
    page.get_by_label("Last name").fill("Reed")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account and join the board").click()
    page.get_by_text("Your account was created").wait_for()
    assert "Your role" in page.content() and "Chair" in page.locator(".govuk-summary-list").inner_text()
    assert_no_axe_violations(page)
    page.screenshot(path="/tmp/accounts-browser-accepted.png", full_page=True)

    page.get_by_role("button", name="Sign out").click()
    page.goto(base + link)
    page.get_by_role("heading", name="This invitation has been used").wait_for()
    assert_no_axe_violations(page)


def test_password_reset_pages_have_no_axe_violations(page, live_server, settings):
    UserFactory(username="maria", email="maria@example.org")
    base = live_server.url
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Send the reset link").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("E-mail address").fill("Maria@example.org")
    page.get_by_role("button", name="Send the reset link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    assert_no_axe_violations(page)

    link = re.search(r"https?://\S+(/accounts/password-reset/\S+/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(base + link)
    page.get_by_role("heading", name="Choose a new password").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Set password").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm new password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("heading", name="Password changed").wait_for()
    assert page.get_by_text("You are signed in.").is_visible()  # no lockout can keep the owner out
    assert_no_axe_violations(page)

    page.goto(base + link)
    page.get_by_role("heading", name="This link no longer works").wait_for()
    assert_no_axe_violations(page)

    page.goto(base + "/")
    page.get_by_role("heading", name="My boards").wait_for()

    # Changing a known password, from the footer.
    page.get_by_role("link", name="Change your password").click()
    page.get_by_role("heading", name="Change your password").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("Current password").fill("not it")
    page.get_by_label("New password", exact=True).fill("kettle orbit plum lantern")
    page.get_by_label("Confirm new password").fill("kettle orbit plum lantern")
    page.get_by_role("button", name="Change password").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "password-change-error.png", full_page=True)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("kettle orbit plum lantern")
    page.get_by_label("Confirm new password").fill("kettle orbit plum lantern")
    page.get_by_role("button", name="Change password").click()
    page.get_by_role("heading", name="Password changed").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()

    # The lockout page after five failures (django-axes) is checked too.
    settings.AXES_ENABLED = True
    for _ in range(6):
        sign_in(page, base, "someone@example.org", "wrong password")
    page.get_by_role("heading", name="Too many sign-in attempts").wait_for()
    assert_no_axe_violations(page)


def test_skip_link_and_visible_focus_by_keyboard(page, live_server, people):
    for name in ("Case Review", "Quality Assurance", "Workforce Development"):
        SubCommitteeFactory(board=people.board, name=name, chair=people.chair)
    base = live_server.url
    page.set_default_timeout(10_000)
    page.goto(f"{base}/accounts/login/")
    # First Tab: the skip link, shown on screen; Enter moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible() and skip.bounding_box()["height"] > 10
    assert page.evaluate(FOCUS_STYLE)["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    # Sign in by keyboard alone.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type(people.manager.email)
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My boards").wait_for()

    # Every focusable element of the board page shows where focus is.
    page.goto(base + people.board.get_absolute_url())
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["tag"] == "BODY":
            break
        seen.append(state)
    assert len(seen) >= 12, seen
    invisible = [s for s in seen if not s["visible"]]
    assert not invisible, invisible

    # Change a member's role with the keyboard only: radios by arrow keys, Enter submits.
    page.get_by_role("link", name=re.compile("^Change role of " + people.member.get_full_name())).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=people.member.get_full_name()).wait_for()
    page.get_by_label("Member", exact=True).focus()
    page.keyboard.press("ArrowDown")  # to "Executive"
    assert page.evaluate(FOCUS_STYLE)["visible"]
    page.get_by_label("Job title").focus()
    page.keyboard.type("Designated nurse")
    page.keyboard.press("Enter")
    page.get_by_text(f"{people.member.get_full_name()}’s role and agency on SSCB were saved.").wait_for()
    row = page.locator("tr", has_text=people.member.get_full_name())
    assert "Executive" in row.inner_text() and "Designated nurse" in row.inner_text()


def test_axe_helper_reports_real_problems(page):
    """The helper is not a rubber stamp: a page with known faults fails, and says why."""
    page.set_content(
        '<html><head><title>Broken</title></head><body><main><img src="x.png">'
        '<input type="text"><a href="/x"></a></main></body></html>'
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label", "link-name", "html-has-lang"} <= ids
    with pytest.raises(AssertionError, match=r"image-alt: Images must have alternative text"):
        assert_no_axe_violations(page)


def test_existing_user_accepts_an_invitation_without_axe_violations(page, live_server, people):
    from boards.models import Membership
    from tests.accounts.factories import InvitationFactory

    kay = UserFactory(username="kay", email="kay@example.org", first_name="Kay", last_name="Patel")
    InvitationFactory(
        board=people.board, email="kay@example.org", invited_by=people.manager, token="kay-token"
    )
    InvitationFactory(
        board=people.board,
        email="late@example.org",
        token="late-token",
        expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    base = live_server.url
    page.set_default_timeout(10_000)

    page.goto(f"{base}/accounts/invitations/late-token/")
    page.get_by_role("heading", name="This invitation has expired").wait_for()
    assert_no_axe_violations(page)

    # Signed in as someone else: the link is refused, clearly.
    sign_in(page, base, people.member.email, "correct horse battery staple")
    page.goto(f"{base}/accounts/invitations/kay-token/")
    page.get_by_role("heading", name="This invitation is for a different e-mail address").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("main").get_by_role("button", name="Sign out").click()

    page.goto(f"{base}/accounts/invitations/kay-token/")
    page.get_by_role("heading", name=re.compile("^Sign in to join")).wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address or username").fill("Kay@Example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Accept and join the board").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Accept and join the board").click()
    page.get_by_text(f"You joined {people.board.name} as member.").wait_for()
    assert Membership.objects.filter(user=kay, board=people.board).exists()


def test_board_administration_pages_reflow_at_320_pixels(browser, live_server, people):
    """WCAG 1.4.10: no horizontal scrolling at 320 CSS pixels wide."""
    from tests.accounts.factories import InvitationFactory

    SubCommitteeFactory(board=people.board, name="Communication & Workforce Development Sub-committee")
    InvitationFactory(board=people.board, email="a.very.long.address.for.testing@partner-agency.example.org")
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server.url, people.manager.email, "correct horse battery staple")
        page.get_by_role("heading", name="My boards").wait_for()
        for path in (
            people.board.get_absolute_url(),
            f"/boards/{people.board.slug}/invitations/",
            "/accounts/password-reset/",
        ):
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    finally:
        context.close()
