"""A board's manager finds a framework asking the board's consent, reads what it would
bind the board to, agrees, then edits the board's own section; each page is axe-clean at 1366 px and at 390 px, without
sideways scroll on the phone (screenshots in test-artifacts/)."""

from pathlib import Path

import pytest

from boards.models import Role
from frameworks.models import Consent, FrameworkBoard, FrameworkStatus
from tests.browser.axe import assert_no_axe_violations
from tests.factories import BoardFactory, MembershipFactory, PartnershipFactory, UserFactory
from tests.frameworks.factories import framework_binding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_a_boards_manager_agrees_to_its_being_bound(page, live_server):
    partnership = PartnershipFactory(name="Sunderland")
    sscb = BoardFactory(
        partnership=partnership, short_name="SSCB", name="Sunderland Safeguarding Children Board"
    )
    ib = BoardFactory(partnership=partnership, short_name="IB", name="Sunderland Improvement Board")
    asker = UserFactory(username="sscb.manager", first_name="Sam", last_name="Asker")
    MembershipFactory(user=asker, board=sscb, role=Role.MANAGER)
    framework = framework_binding(sscb, status=FrameworkStatus.DRAFT, title="Framework of Cooperation")
    binding = FrameworkBoard.objects.create(
        framework=framework,
        board=ib,
        primary_function="improvement and challenge",
        is_party=False,
        position=2,
        consent=Consent.REQUESTED,
        consent_requested_by=asker,
    )
    ib_manager = UserFactory(username="ib.manager")
    MembershipFactory(user=ib_manager, board=ib, role=Role.MANAGER)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("ib.manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Frameworks").click()
    assert "Waiting for your board's consent" in page.locator("main").inner_text()
    page.get_by_role("link", name="Framework of Cooperation, version 1").click()
    panel = page.locator(f"#consent-{ib.pk}")
    assert "Sam Asker asked" in panel.inner_text() and "improvement and challenge" in panel.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        page.screenshot(path=ARTIFACTS / f"framework-consent-asked-{width}.png", full_page=True)

    page.get_by_role("button", name="Agree to be bound (IB)").click()
    page.locator(".govuk-notification-banner").wait_for()
    assert "IB is now bound by this framework." in page.locator(".govuk-notification-banner").inner_text()
    assert "IB agreed: " in page.locator(f"#consent-state-{ib.pk}").inner_text()
    binding.refresh_from_db()
    assert (binding.consent, binding.consent_given_by) == (Consent.GIVEN, ib_manager)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=ARTIFACTS / f"framework-consent-given-{width}.png", full_page=True)

    page.get_by_role("link", name="Edit IB's section").click()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=ARTIFACTS / f"framework-board-section-{width}.png", full_page=True)
    page.get_by_label("Statutory basis").fill("Children Act 2004 s.10")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-notification-banner").wait_for()
    binding.refresh_from_db()
    assert binding.statutory_basis == "Children Act 2004 s.10"
