"""Single sign-on and two-factor sign-in in headless Chromium (#17 must-show): the whole
flows as a person goes through them, axe-core finding no WCAG 2.2 A/AA violations on the
new pages, at desktop width and on a phone (390 px, no sideways scrolling). Screenshots
of each page go to test-artifacts/."""

from pathlib import Path

import pytest
import requests

from boards.models import Role
from tests.accounts.factories import SignOnTenantFactory
from tests.accounts.two_factor_helpers import code_now, with_authenticator
from tests.browser.axe import assert_no_axe_violations
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def check_page(page, name: str) -> None:
    """axe at 1366 px and at 390 px, no sideways scroll on the phone, a screenshot of each."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_signing_in_through_the_organisations_tenant(page, live_server, oidc_provider):
    page.set_default_timeout(15_000)
    SignOnTenantFactory(issuer=oidc_provider, slug="sunderland")
    kay = UserFactory(username="kay", email="kay.reed@sunderland.gov.uk", first_name="Kay")
    MembershipFactory(user=kay, role=Role.MEMBER)
    requests.put(
        f"{oidc_provider}/users/kay-reed",
        json={"email": "kay.reed@sunderland.gov.uk", "email_verified": True},
        timeout=5,
    ).raise_for_status()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    page.get_by_role("heading", name="Sign in with your organisation's account").wait_for()
    check_page(page, "sso-start")

    page.get_by_label("Work e-mail address").fill("nobody@elsewhere.org")
    page.get_by_role("button", name="Continue to your organisation").click()
    page.locator(".govuk-error-summary").wait_for()
    check_page(page, "sso-start-error")

    page.get_by_label("Work e-mail address").fill("kay.reed@sunderland.gov.uk")
    page.get_by_role("button", name="Continue to your organisation").click()
    # The tenant's own page (the test provider), then back to the planner, signed in.
    page.wait_for_url(f"{oidc_provider}/oauth2/authorize*")
    page.locator("input[name=sub]").fill("kay-reed")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Sign out").wait_for()
    assert "Your boards" in page.content() or page.get_by_role("heading").first.is_visible()


def test_someone_with_no_invitation_is_told_what_to_do(page, live_server, oidc_provider):
    page.set_default_timeout(15_000)
    SignOnTenantFactory(issuer=oidc_provider, slug="sunderland")
    requests.put(
        f"{oidc_provider}/users/stranger",
        json={"email": "stranger@sunderland.gov.uk", "email_verified": True},
        timeout=5,
    ).raise_for_status()
    page.goto(f"{live_server.url}/accounts/sso/")
    page.get_by_label("Work e-mail address").fill("stranger@sunderland.gov.uk")
    page.get_by_role("button", name="Continue to your organisation").click()
    page.wait_for_url(f"{oidc_provider}/oauth2/authorize*")
    page.locator("input[name=sub]").fill("stranger")
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("heading", name="You do not have an account on the planner yet").wait_for()
    check_page(page, "sso-no-invitation")
    assert page.get_by_role("button", name="Sign out").count() == 0


def test_setting_up_and_using_two_factor_sign_in(page, live_server, settings):
    page.set_default_timeout(15_000)
    settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = True
    manager = UserFactory(username="manager", email="manager@example.org")
    MembershipFactory(user=manager, role=Role.MANAGER)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address or username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A manager without an app is sent to set one up, whatever they open.
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.get_by_role("img", name="QR code to add this service to your authenticator app").is_visible()
    check_page(page, "two-factor-set-up")

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.locator(".govuk-error-summary").wait_for()
    check_page(page, "two-factor-set-up-error")

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=manager)
    page.wait_for_timeout(2100)  # django-otp's pause after a wrong code
    page.get_by_label("Code").fill(code_now(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()
    assert page.locator(".app-recovery-codes li").count() == 10
    check_page(page, "two-factor-recovery-codes")
    recovery_code = page.locator(".app-recovery-codes li").first.inner_text().strip()

    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("heading", name="Two-factor sign-in").wait_for()
    check_page(page, "two-factor-manage")

    # Next time: password, then the code page; a recovery code works there too.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address or username").fill("manager@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    check_page(page, "two-factor-code")
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()
    check_page(page, "two-factor-code-error")
    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label("Code").fill(recovery_code)
    page.wait_for_timeout(2100)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("You used a recovery code. You have 9 left").wait_for()
    page.get_by_role("button", name="Sign out").wait_for()


def test_an_existing_app_user_goes_straight_to_the_code(page, live_server):
    page.set_default_timeout(15_000)
    member = UserFactory(username="member", email="member@example.org")
    device, _codes = with_authenticator(member)
    page.goto(f"{live_server.url}/accounts/login/?next=/notifications/")
    page.get_by_label("E-mail address or username").fill("member")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    page.get_by_label("Code").fill(code_now(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
