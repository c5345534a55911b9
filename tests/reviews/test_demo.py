"""The demo reviews carry the seeds' facts, and loading twice changes nothing."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from plans.demo import demo_password
from plans.models import Action, BusinessPlan, Status
from reviews.models import (
    FocusKind,
    ImpactEvidence,
    Judgement,
    MonitoringBody,
    Recommendation,
    RecommendationAction,
    Review,
    ReviewKind,
)
from reviews.traceability import review_coverage
from tests.once import rolled_back_afterwards

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def check_stockton_diagnostic_review_facts():
    review = Review.objects.get(kind=ReviewKind.LGA_DIAGNOSTIC)
    assert review.partnership.name == "Stockton-on-Tees"
    assert (review.on_site_start, review.on_site_end) == (
        datetime.date(2014, 3, 25),
        datetime.date(2014, 3, 27),
    )
    assert review.team.count() == 4
    assert list(review.team.values_list("name", flat=True)) == [
        "Cliff James",
        "Mark Nicholas",
        "Neil Holden",
        "Ernest Opuni",
    ]
    assert review.strands.count() == 3
    assert review.strands.get(name="Case Records Review").records_audited == 35
    report = review.reports.get()
    assert (report.board.short_name, report.reported_on) == ("HWB", datetime.date(2014, 5, 21))
    plan = BusinessPlan.objects.get(answers_reviews__review=review)
    bodies = [body.display_name for body in MonitoringBody.objects.filter(plan=plan)]
    assert bodies == [
        "Stockton-on-Tees Borough Council Cabinet (Cabinet)",
        "Stockton-on-Tees Local Safeguarding Children Board (LSCB)",
        "Children and Young People's Partnership (CYP)",
    ]


def check_sunderland_ofsted_inspection_facts():
    review = Review.objects.get(kind=ReviewKind.OFSTED)
    assert review.partnership.name == "Sunderland"
    assert (review.on_site_start, review.on_site_end) == (
        datetime.date(2015, 5, 11),
        datetime.date(2015, 6, 4),
    )
    assert review.published == datetime.date(2015, 7, 20)
    assert review.overall_judgement == Judgement.INADEQUATE
    assert review.intervention is True
    assert "Commissioner for Children's Services" in review.commissioner
    # The improvement update's points are progress on the improvement plan's actions.
    notes = " ".join(
        Action.objects.filter(recommendations__review=review, progress_updates__isnull=False).values_list(
            "progress_updates__text", flat=True
        )
    )
    assert "All individual cases identified by Ofsted" in notes
    assert "caseloads have been reduced to a safe and manageable level" in notes
    assert "new performance management dataset" in notes


def check_sunderland_peer_review_themes_and_core_assets_review():
    peer = Review.objects.get(kind=ReviewKind.LGA_PEER_REVIEW)
    assert peer.dates_note == "November 2014"
    assert peer.focus_themes.filter(kind=FocusKind.THEME).count() == 5
    assert peer.focus_themes.filter(kind=FocusKind.ISSUE).count() == 4
    assert peer.focus_themes.first().text == "Effective practice, service delivery and the voice of the child"
    assert peer.reports.get().board.short_name == "HWB"
    # The one recommendation the seed words is not illustrative; the rest are marked.
    stated = peer.recommendations.get(number=1)
    assert not stated.illustrative
    assert "strategic fora" in stated.text
    core_assets = Review.objects.get(kind=ReviewKind.CORE_ASSETS)
    assert core_assets.dates_note == "Completed early 2014"


def check_recommendations_without_seed_text_are_marked_illustrative():
    ofsted = Review.objects.get(kind=ReviewKind.OFSTED)
    assert ofsted.recommendations.exists()
    assert not ofsted.recommendations.filter(illustrative=False).exists()
    assert not Recommendation.objects.filter(
        review__kind=ReviewKind.LGA_DIAGNOSTIC, illustrative=False
    ).exists()


def check_demo_improvement_plans_move_like_the_sscb_plan_and_show_a_mix():
    plan = BusinessPlan.objects.get(title="Children's Services Improvement Plan")
    assert plan.board.short_name == "IB"
    assert plan.period_start <= TODAY <= plan.period_end
    actions = Action.objects.filter(objective__priority_area__plan=plan)
    assert actions.filter(status=Status.COMPLETE).exists()
    assert actions.overdue(TODAY).exists()
    assert actions.open().filter(due_date__gte=TODAY).exists()
    ofsted = Review.objects.get(kind=ReviewKind.OFSTED)
    coverage = review_coverage(ofsted.pk, TODAY)
    assert coverage.no_action_count == 1 and coverage.all_overdue_count == 1
    # No seed says anyone verified an action's impact, so nothing is fully answered yet.
    assert 0 == coverage.percent_fully_answered < coverage.percent_complete < 100
    # Reviews keep their historical dates.
    assert ofsted.on_site_start.year == 2015


def check_the_seed_plans_serious_case_reviews_are_reviews():
    """Point 15: Child X and Nursery Z, answered by the SSCB plan; the seed words no recommendation."""
    sscb_plan = BusinessPlan.objects.get(board__slug="sunderland-sscb")
    for title in ("Serious Case Review for Child X", "Nursery Z Serious Case Review"):
        review = Review.objects.get(title=title)
        assert review.kind == ReviewKind.CASE_REVIEW and review.partnership.name == "Sunderland"
        assert list(review.improvement_plans.values_list("plan", flat=True)) == [sscb_plan.pk]
        assert not review.recommendations.exists()
        assert "does not give" in review.summary


def check_no_response_owner_or_undated_point_is_made_up():
    """Point 12: no seed records a response to a recommendation, or its owner; the improvement
    plan is illustrative (the seed gives only the update's points, undated)."""
    assert set(Recommendation.objects.values_list("response", "owner_board", "owner")) == {("", None, "")}
    plan = BusinessPlan.objects.get(title="Children's Services Improvement Plan")
    assert "illustrative" in plan.illustrative_note
    actions = Action.objects.filter(objective__priority_area__plan=plan)
    assert not actions.filter(rating_illustrative=False).exists()
    assert not actions.filter(progress_updates__date__isnull=False).exists()
    # The update's evidence of impact is undated and nobody is said to have checked it: no
    # invented date (it was 1 September 2015, moved) and no invented verification.
    (evidence,) = ImpactEvidence.objects.filter(action__objective__priority_area__plan=plan)
    assert (evidence.date, evidence.verified, evidence.verified_on) == (None, False, None)
    assert evidence.date_label == "Date not recorded"


def test_original_dates_keep_the_improvement_plan_in_2015():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        call_command("load_demo", "--original-dates")
    plan = BusinessPlan.objects.get(title="Children's Services Improvement Plan")
    assert plan.period_start == datetime.date(2015, 9, 1)


def test_loading_the_demo_twice_changes_nothing_and_prints_the_improvement_login(capsys):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        call_command("load_demo")
    output = capsys.readouterr().out
    assert "improvement.manager" in output and demo_password("improvement.manager") in output

    def snapshot():
        return {
            model.__name__: (model.objects.count(), model.history.count())
            for model in (
                Review,
                Recommendation,
                RecommendationAction,
                ImpactEvidence,
                MonitoringBody,
                Action,
            )
        }

    before = snapshot()
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        call_command("load_demo")
    assert snapshot() == before


class TestTheLoadedDemo:
    """These tests share one load_demo (tests/once.py): each runs in a savepoint inside the
    class's transaction, rolled back after it."""

    @pytest.fixture(scope="class")
    @classmethod
    def loaded_demo(cls, django_db_setup, django_db_blocker):
        with rolled_back_afterwards(django_db_blocker):
            with (
                django_db_blocker.unblock(),
                time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False),
            ):
                call_command("load_demo")
            yield

    @pytest.fixture
    def demo(self, loaded_demo):
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
            yield

    def test_demo_reviews_carry_the_seeds_facts(self, demo):
        """One load, every fact (loading the demo is the slow part)."""
        check_stockton_diagnostic_review_facts()
        check_sunderland_ofsted_inspection_facts()
        check_sunderland_peer_review_themes_and_core_assets_review()
        check_recommendations_without_seed_text_are_marked_illustrative()
        check_demo_improvement_plans_move_like_the_sscb_plan_and_show_a_mix()
        check_the_seed_plans_serious_case_reviews_are_reviews()
        check_no_response_owner_or_undated_point_is_made_up()

    def test_the_action_page_shows_the_demo_evidence_undated_and_not_verified(self, demo, client):
        from django.contrib.auth import get_user_model

        evidence = ImpactEvidence.objects.get(indicator_reference="Improvement update, paragraph 3.5")
        client.force_login(get_user_model().objects.get(username="improvement.manager"))
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
            page = client.get(evidence.action.get_absolute_url()).text
        panel = page[page.index("backlog cleared") - 400 :][:600]
        assert "Date not recorded" in panel and "(not verified)" in panel
        assert "1 September" not in panel
