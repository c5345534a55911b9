"""The board's "Reviews in progress" page and decisions not to implement, for every role."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from reviews.models import CaseReviewStage, NotImplementedDecision, ReviewKind, ReviewReport
from tests.dates import date_input
from tests.factories import BoardFactory
from tests.reviews.factories import (
    CaseReviewFactory,
    FindingFactory,
    NotImplementedDecisionFactory,
    RecommendationFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
READERS = ["chair", "member", "executive"]


@pytest.fixture(autouse=True)
def frozen_today():
    # Wednesday 23 December 2026, before Christmas.
    with time_machine.travel(datetime.datetime(2026, 12, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def case_reviews(people):
    partnership = people.board.partnership
    breached = CaseReviewFactory(partnership=partnership, title="Child A", became_aware=D(2026, 12, 10))
    soon = CaseReviewFactory(partnership=partnership, title="Child B", became_aware=D(2026, 12, 18))
    ReviewReport.objects.create(review=soon, board=people.board)
    elsewhere = CaseReviewFactory(
        partnership=partnership, title="Reported elsewhere", became_aware=D(2026, 12, 18)
    )
    ReviewReport.objects.create(review=elsewhere, board=BoardFactory(partnership=partnership))
    CaseReviewFactory(
        partnership=partnership,
        title="Published",
        became_aware=D(2026, 1, 5),
        stage=CaseReviewStage.PUBLISHED,
        published=D(2026, 9, 1),
    )
    sar = CaseReviewFactory(partnership=partnership, kind=ReviewKind.SAR, title="Adult C", became_aware=None)
    ofsted = ReviewFactory(
        partnership=partnership,
        kind=ReviewKind.OFSTED,
        title="ILACS inspection",
        report_received=D(2026, 11, 2),
    )
    CaseReviewFactory(title="Another partnership's", became_aware=D(2026, 12, 10))
    # An old SCR kept for its recommendations: reported, no stage, no clock.
    ReviewFactory(partnership=partnership, kind=ReviewKind.CASE_REVIEW, title="Old SCR")
    return breached, soon, sar, ofsted


def test_reviews_in_progress_page_for_each_reader(client, people, case_reviews, django_assert_num_queries):
    url = reverse("reviews:board_in_progress", args=[people.board.slug])
    for role in ["manager", *READERS]:
        client.force_login(getattr(people, role))
        # Session, user, board, role, the reviews, and the base page's own reads; not one per
        # review or clock (an N+1 over reviews' reports would grow with the list).
        with django_assert_num_queries(8):
            response = client.get(url)
        assert response.status_code == 200
    page = response.content.decode()
    for number in range(5):
        CaseReviewFactory(partnership=people.board.partnership, became_aware=D(2026, 12, 1 + number))
    # The same less the session's save (its idle expiry was pushed back a moment ago).
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    assert "Child A" in page and "Child B" in page and "Adult C" in page and "ILACS inspection" in page
    assert "Old SCR" not in page
    assert "Reported elsewhere" not in page and "Published" not in page and "Another partnership" not in page
    # Child A: aware 10 December, notification due 17 December; 23 December is 4 working days later.
    assert (
        "17 December 2026" in page
        and "4 working days overdue" in page
        and "Breached</strong> Notification" in page
    )
    # Child B: aware 18 December, due 29 December (Christmas and Boxing Day observed skipped).
    assert "29 December 2026" in page and "2 working days left" in page
    # Ofsted: 70 working days from 2 November 2026.
    assert "Ofsted action plan" in page
    # Soonest due first.
    assert (
        page.index("Child A") < page.index("Child B") < page.index("ILACS inspection") < page.index("Adult C")
    )


def test_reviews_in_progress_refuses_outsiders_and_anonymous(client, people, case_reviews):
    url = reverse("reviews:board_in_progress", args=[people.board.slug])
    assert client.get(url).status_code == 302
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404


def test_a_manager_records_a_decision_not_to_implement_a_recommendation(
    client, people, review, recommendation
):
    url = reverse("reviews:not_implemented_record", args=[review.pk, "recommendations", recommendation.pk])
    client.force_login(people.manager)
    assert client.get(url).status_code == 200
    # Bad input keeps the form and writes nothing.
    response = client.post(url, {"reason": "  ", **date_input("decided_on", "2026-12-01")})
    assert response.status_code == 400 and "Enter why it will not be implemented" in response.content.decode()
    assert not NotImplementedDecision.objects.exists()
    response = client.post(
        url,
        {
            "reason": "The service was decommissioned.",
            "decided_by": "SSAB, 1 December",
            **date_input("decided_on", "2026-12-01"),
        },
    )
    assert response.status_code == 302
    decision = NotImplementedDecision.objects.get()
    assert (decision.recommendation, decision.review, decision.recorded_by) == (
        recommendation,
        review,
        people.manager,
    )
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Not to be implemented" in page and "Because: The service was decommissioned." in page
    assert "Not to be implemented</strong>" in page
    # A second decision is refused politely.
    assert client.get(url).status_code == 302
    # Withdraw: POST only.
    withdraw = reverse("reviews:not_implemented_withdraw", args=[decision.pk])
    assert client.get(withdraw).status_code == 405
    assert client.post(withdraw).status_code == 302
    assert not NotImplementedDecision.objects.exists()


def test_a_decision_not_to_implement_a_finding(client, people, review):
    finding = FindingFactory(review=review, text="Supervision is not recorded.")
    url = reverse("reviews:not_implemented_record", args=[review.pk, "findings", finding.pk])
    client.force_login(people.manager)
    response = client.post(
        url, {"reason": "Covered by the new national framework.", **date_input("decided_on", "2026-12-01")}
    )
    assert response.status_code == 302
    assert NotImplementedDecision.objects.get().finding == finding
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Because: Covered by the new national framework." in page


def test_decisions_not_to_implement_refuse_readers_outsiders_and_anonymous(
    client, people, review, recommendation
):
    url = reverse("reviews:not_implemented_record", args=[review.pk, "recommendations", recommendation.pk])
    decision = NotImplementedDecisionFactory(
        recommendation=RecommendationFactory(review=review, number=9), review=review
    )
    withdraw = reverse("reviews:not_implemented_withdraw", args=[decision.pk])
    assert client.get(url).status_code == 302 and "login" in client.get(url)["Location"]
    for role in READERS:
        client.force_login(getattr(people, role))
        assert client.get(url).status_code == 403
        assert client.post(withdraw).status_code == 403
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    assert client.post(withdraw).status_code == 404
    assert (
        client.get(reverse("reviews:not_implemented_record", args=[review.pk, "nonsense", 1])).status_code
        == 404
    )
    assert NotImplementedDecision.objects.count() == 1


def test_not_implemented_recommendations_are_not_counted_or_flagged(people, review, recommendation):
    from reviews.traceability import review_coverage

    NotImplementedDecisionFactory(recommendation=recommendation, review=review)
    coverage = review_coverage(review.pk, D(2026, 12, 23))
    (rec,) = coverage.recommendations
    assert rec.not_implemented and rec.flags == [] and rec.progress_label == "Not to be implemented"
    assert coverage.percent_complete is None and coverage.flagged_count == 0


def test_the_review_form_records_clock_dates_and_stage(client, people):
    review = CaseReviewFactory(partnership=people.board.partnership, title="Child D", became_aware=None)
    client.force_login(people.manager)
    url = reverse("reviews:review_edit", args=[review.pk])
    data = {
        "kind": "lcspr",
        "title": "Child D",
        "status": "under_way",
        "stage": "notified",
        **date_input("became_aware", "2026-12-14"),
        **date_input("notified", "2026-12-18"),
        "overall_judgement": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    review.refresh_from_db()
    assert (review.became_aware, review.notified, review.stage) == (
        D(2026, 12, 14),
        D(2026, 12, 18),
        "notified",
    )
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Rapid review" in page and "13 January 2027" in page
    # A stage without its date is refused, and the form is kept.
    response = client.post(url, {**data, "stage": "published"})
    assert response.status_code == 400 and "for the stage" in response.content.decode()
