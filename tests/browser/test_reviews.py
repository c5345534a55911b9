import datetime
import re
from pathlib import Path

import pytest
import time_machine

from boards.models import Role
from reviews.models import RecommendationAction
from tests.factories import ActionFactory, BoardFactory, BusinessPlanFactory, MembershipFactory, UserFactory
from tests.reviews.factories import RecommendationFactory, ReviewFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_manager_links_an_action_and_the_no_action_flag_clears(page, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        board = BoardFactory(short_name="LSCB")
        manager = UserFactory(username="lscb.manager")
        MembershipFactory(user=manager, board=board, role=Role.MANAGER)
        plan = BusinessPlanFactory(board=board, title="Safeguarding Improvement Plan")
        action = ActionFactory(
            objective__priority_area__plan=plan,
            description="Act on the feedback given on the 35 case records audited",
            due_date=datetime.date(2027, 3, 31),
        )
        review = ReviewFactory(
            partnership=board.partnership, title="LGA Safeguarding Practice Diagnostic Review"
        )
        RecommendationFactory(review=review, number=1, text="Improve the quality of case recording.")

        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("lscb.manager")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="My boards").wait_for()

        page.get_by_role("link", name="Reviews", exact=True).click()
        page.get_by_role("link", name=review.title).click()
        page.get_by_role("heading", name=review.title, level=1).wait_for()
        recommendation = page.locator("#recommendation-1")
        assert recommendation.locator(".app-flag").inner_text() == "No action"
        assert "0%" in page.locator(".app-coverage").inner_text()

        recommendation.get_by_role("link", name="Link an action to recommendation 1").click()
        page.get_by_role("heading", name="Link an action to recommendation 1").wait_for()
        # The picker is a searchable box (accessible-autocomplete over the select).
        page.locator("input#id_action").wait_for()
        page.get_by_role("combobox", name="Action that answers this recommendation").fill("35 case records")
        page.get_by_role("option", name=re.compile("35 case records audited")).click()
        page.get_by_role("button", name="Link action").click()

        page.get_by_role("heading", name=review.title, level=1).wait_for()
        assert "Action linked to recommendation 1." in page.locator(".govuk-notification-banner").inner_text()
        recommendation = page.locator("#recommendation-1")
        assert recommendation.locator(".app-flag").count() == 0
        assert recommendation.get_by_role("link", name=action.description).is_visible()
        assert "0 of 1 action complete" in recommendation.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "review-page-after-linking.png", full_page=True)
        assert RecommendationAction.objects.filter(action=action, recommendation__review=review).exists()

        # Unlinking happens in place (htmx): the flag comes back without a page load.
        page.evaluate("window.stillTheSamePage = true")
        recommendation.get_by_role("button", name="Unlink").click()
        page.locator("#recommendation-1 .app-flag").wait_for()
        assert page.locator("#recommendation-1 .app-flag").inner_text() == "No action"
        assert page.evaluate("window.stillTheSamePage") is True
        assert "1 with no action" in page.locator("#coverage").inner_text()
        assert page.locator("#traceability-status").inner_text() == "Action unlinked from recommendation 1."
        page.screenshot(path=ARTIFACTS / "review-page-after-unlinking.png", full_page=True)
    assert not RecommendationAction.objects.exists()
