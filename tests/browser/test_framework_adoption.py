import datetime
from pathlib import Path

import pytest

from boards.models import Role
from frameworks.models import AdoptionDecision, Framework, FrameworkStatus, RelationshipKind
from tests.factories import BoardFactory, MembershipFactory, PartnershipFactory, UserFactory
from tests.frameworks.factories import RelationshipFactory, SharedFunctionFactory, framework_binding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_manager_records_adoption_and_the_page_shows_the_new_state_and_diagram(page, live_server):
    partnership = PartnershipFactory(name="Peterborough")
    pscb = BoardFactory(
        partnership=partnership, short_name="PSCB", name="Peterborough Safeguarding Children Board"
    )
    trust = BoardFactory(partnership=partnership, short_name="CT", name="Peterborough Children's Trust")
    framework = framework_binding(pscb, trust, title="Children's Trust and PSCB governance model")
    RelationshipFactory(
        framework=framework, from_board=pscb, to_board=trust, kind=RelationshipKind.SCRUTINISES
    )
    RelationshipFactory(
        framework=framework,
        from_board=trust,
        to_board=pscb,
        kind=RelationshipKind.RECEIVES_ANNUAL_REPORT_FROM,
    )
    SharedFunctionFactory(framework=framework, name="Quality assurance").boards.set([pscb, trust])
    framework.record_adoption(
        trust, AdoptionDecision.ADOPT, datetime.date.today() - datetime.timedelta(days=30)
    )
    manager = UserFactory(username="pscb.manager")
    MembershipFactory(user=manager, board=pscb, role=Role.MANAGER)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("pscb.manager")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Frameworks").click()
    page.get_by_role("link", name="Children's Trust and PSCB governance model").click()
    assert page.locator("#framework-status").inner_text() == "Proposed for adoption"
    assert "1 of 2 boards adopted" in page.locator("main").inner_text()

    page.get_by_role("radio", name="Adopted").check()
    meeting_day = datetime.date.today() - datetime.timedelta(days=2)
    meeting_date = page.get_by_role("group", name="Date of the meeting")
    meeting_date.get_by_label("Day").fill(str(meeting_day.day))
    meeting_date.get_by_label("Month").fill(str(meeting_day.month))
    meeting_date.get_by_label("Year").fill(str(meeting_day.year))
    page.get_by_label("Note (optional)").fill("Minute 12")
    page.get_by_role("button", name="Record decision").click()

    page.locator(".govuk-notification-banner").wait_for()
    assert page.locator("#framework-status").inner_text() == "Adopted"
    assert "2 of 2 boards adopted" in page.locator("main").inner_text()
    diagram = page.get_by_role(
        "img", name="Governance diagram: Children's Trust and PSCB governance model, version 1"
    )
    assert diagram.is_visible()
    box = diagram.bounding_box()
    assert box["width"] > 300 and box["height"] > 150, "the SVG is drawn at a readable size under the CSP"
    for label in ("PSCB", "CT", "scrutinises", "receives annual report from", "Quality assurance"):
        assert diagram.get_by_text(label, exact=True).count() >= 1, label
    assert "Minute 12" in page.locator("main").inner_text()
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.ADOPTED
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "framework-adopted.png", full_page=True)
