"""Review pages for each role: anonymous → sign-in, outsider → 404, reader → 403 on writes,
manager → allowed; POST-only changes; forms keep input and show the error summary."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from boards.models import Role
from plans.models import Action, BusinessPlan, ProgressUpdate, Rag, Status
from reviews.forms import REVIEW_PARTS
from reviews.models import ImpactEvidence, Recommendation, RecommendationAction, Review
from tests.factories import (
    ActionFactory,
    BoardFactory,
    BusinessPlanFactory,
    MembershipFactory,
    ObjectiveFactory,
    UserFactory,
)
from tests.reviews.factories import (
    FocusThemeFactory,
    ImpactEvidenceFactory,
    ImprovementPlanFactory,
    MonitoringBodyFactory,
    RecommendationActionFactory,
    ReviewTeamMemberFactory,
    WorkStrandFactory,
)

pytestmark = pytest.mark.django_db

READERS = ["chair", "member", "executive"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def linked(recommendation, action):
    return RecommendationActionFactory(recommendation=recommendation, action=action)


@pytest.fixture
def evidence(action):
    return ImpactEvidenceFactory(action=action, verified=False)


@pytest.fixture
def improvement(review, plan):
    ImprovementPlanFactory(review=review, plan=plan)
    return MonitoringBodyFactory(plan=plan, name="Cabinet")


def read_urls(people, review, improvement):
    return [
        reverse("reviews:partnership", args=[people.board.partnership.slug]),
        review.get_absolute_url(),
        reverse("reviews:monitoring", args=[improvement.plan_id]),
    ]


def write_get_urls(people, review, recommendation, action):
    return [
        reverse("reviews:review_create", args=[people.board.partnership.slug]),
        reverse("reviews:review_edit", args=[review.pk]),
        reverse("reviews:recommendation_create", args=[review.pk]),
        reverse("reviews:recommendation_edit", args=[recommendation.pk]),
        reverse("reviews:recommendation_link", args=[recommendation.pk]),
        reverse("reviews:improvement_plan_create", args=[review.pk]),
        reverse("reviews:evidence_create", args=[action.pk]),
        *[reverse("reviews:review_part_add", args=[review.pk, part]) for part in REVIEW_PARTS],
    ]


def post_only_urls(recommendation, action, evidence, improvement):
    return [
        reverse("reviews:recommendation_unlink", args=[recommendation.pk, action.pk]),
        reverse("reviews:evidence_verify", args=[evidence.pk]),
        reverse("reviews:monitoring_remove", args=[improvement.plan_id, improvement.pk]),
    ]


# --- reading ---------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", *READERS])
def test_members_of_the_partnership_read_reviews(client, people, review, improvement, linked, role):
    client.force_login(getattr(people, role))
    for url in read_urls(people, review, improvement):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(review.get_absolute_url()).text
    assert "Improve the quality of case recording." in page
    assert "Audit thirty-five case records" in page
    assert "Cabinet" in page


def test_outsiders_get_404_everywhere(client, people, review, recommendation, action, evidence, improvement):
    client.force_login(people.outsider)
    urls = [
        *read_urls(people, review, improvement),
        *write_get_urls(people, review, recommendation, action),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in post_only_urls(recommendation, action, evidence, improvement):
        assert client.post(url).status_code == 404, url


def test_anonymous_users_are_sent_to_sign_in(client, people, review, recommendation, action, improvement):
    for url in [
        *read_urls(people, review, improvement),
        *write_get_urls(people, review, recommendation, action),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("role", READERS)
def test_readers_get_403_on_every_write(
    client, people, review, recommendation, action, evidence, improvement, role
):
    client.force_login(getattr(people, role))
    for url in write_get_urls(people, review, recommendation, action):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x", "number": "9", "text": "x"}).status_code == 403, url
    for url in post_only_urls(recommendation, action, evidence, improvement):
        assert client.post(url).status_code == 403, url
    assert (
        client.post(reverse("reviews:monitoring", args=[improvement.plan_id]), {"name": "x"}).status_code
        == 403
    )
    assert Review.objects.count() == 1 and Recommendation.objects.count() == 1
    assert not ImpactEvidence.objects.filter(verified=True).exists()


def test_readers_see_no_edit_controls(client, people, review, linked):
    client.force_login(people.member)
    page = client.get(review.get_absolute_url()).text
    assert "Link an action" not in page and "Edit review" not in page and "Unlink" not in page


def test_state_changes_are_post_only(client, people, review, recommendation, action, evidence, improvement):
    client.force_login(people.manager)
    for url in post_only_urls(recommendation, action, evidence, improvement):
        assert client.get(url).status_code == 405, url


def test_manager_of_another_board_of_the_partnership_may_edit(client, people, review):
    """Edit rights follow the partnership, not only the boards the review reports to."""
    hwb = BoardFactory(partnership=people.board.partnership, short_name="HWB")
    hwb_manager = UserFactory(username="hwb-manager")
    MembershipFactory(user=hwb_manager, board=hwb, role=Role.MANAGER)
    client.force_login(hwb_manager)
    assert client.get(reverse("reviews:review_edit", args=[review.pk])).status_code == 200


def test_index_lists_each_partnership_of_the_user(client, people, review):
    second = BoardFactory(short_name="HWB2")
    MembershipFactory(user=people.member, board=second, role=Role.MEMBER)
    client.force_login(people.member)
    response = client.get(reverse("reviews:index"))
    assert response.status_code == 200
    assert people.board.partnership.name in response.text and second.partnership.name in response.text
    assert review.title in response.text


# --- writing ---------------------------------------------------------------


def test_manager_creates_a_review_reporting_to_boards(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:review_create", args=[people.board.partnership.slug]),
        {
            "kind": "ofsted",
            "title": "Ofsted inspection 2026",
            "status": "reported",
            "on_site_start_0": "11",
            "on_site_start_1": "5",
            "on_site_start_2": "2026",
            "on_site_end_0": "4",
            "on_site_end_1": "6",
            "on_site_end_2": "2026",
            "reports_to": [people.board.pk],
            "overall_judgement": "inadequate",
            "intervention": "on",
            "commissioner": "Commissioner for Children's Services",
        },
    )
    review = Review.objects.get(title="Ofsted inspection 2026")
    assert response.status_code == 302 and response.url == review.get_absolute_url()
    assert review.on_site_start == datetime.date(2026, 5, 11)
    assert review.overall_judgement == "inadequate"
    assert list(review.reports.values_list("board", flat=True)) == [people.board.pk]
    assert review.history.count() == 1


def test_invalid_review_keeps_input_and_shows_error_summary(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:review_create", args=[people.board.partnership.slug]),
        {
            "kind": "lga_peer_review",
            "title": "My peer review",
            "status": "reported",
            "overall_judgement": "good",  # only Ofsted judges
            "on_site_start_0": "27",
            "on_site_start_1": "3",
            "on_site_start_2": "2026",
            "on_site_end_0": "25",
            "on_site_end_1": "3",
            "on_site_end_2": "2026",
            "commissioner": "Someone",  # without intervention
        },
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Only Ofsted inspections have an overall judgement." in response.text
    assert "The last day on site must be on or after the first." in response.text
    assert "A commissioner is appointed only with an intervention." in response.text
    assert 'value="My peer review"' in response.text
    assert not Review.objects.exists()


def test_review_cannot_report_to_a_board_of_another_partnership(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:review_create", args=[people.board.partnership.slug]),
        {"kind": "other", "title": "Audit", "status": "reported", "reports_to": [people.other_board.pk]},
    )
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_editing_a_review_keeps_existing_report_dates(client, people, review):
    hwb = BoardFactory(partnership=people.board.partnership, short_name="HWB")
    review.reports.create(board=hwb, reported_on=datetime.date(2026, 5, 21))
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:review_edit", args=[review.pk]),
        {
            "kind": review.kind,
            "title": "Renamed",
            "status": "closed",
            "reports_to": [hwb.pk, people.board.pk],
        },
    )
    assert response.status_code == 302
    reports = {r.board_id: r.reported_on for r in review.reports.all()}
    assert reports == {hwb.pk: datetime.date(2026, 5, 21), people.board.pk: None}


def test_manager_adds_and_edits_a_recommendation(client, people, review, recommendation):
    client.force_login(people.manager)
    form = client.get(reverse("reviews:recommendation_create", args=[review.pk]))
    assert 'value="2"' in form.text  # the next free number
    response = client.post(
        reverse("reviews:recommendation_create", args=[review.pk]),
        {"number": "2", "text": "Strengthen the MASH.", "owner_board": people.board.pk, "response": "partly"},
    )
    assert response.status_code == 302
    added = Recommendation.objects.get(review=review, number=2)
    assert added.owner_board == people.board and added.response == "partly"
    response = client.post(
        reverse("reviews:recommendation_edit", args=[added.pk]),
        {"number": "1", "text": "Clash", "response": ""},
    )
    assert response.status_code == 400
    assert "This review already has a recommendation 1." in response.text
    assert "Clash" in response.text


def test_recommendation_owner_board_must_be_of_the_partnership(client, people, review):
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:recommendation_create", args=[review.pk]),
        {"number": "1", "text": "Text", "owner_board": people.other_board.pk, "response": "accepted"},
    )
    assert response.status_code == 400
    assert not Recommendation.objects.exists()


def test_manager_links_and_unlinks_an_action(client, people, review, recommendation, action):
    client.force_login(people.manager)
    page = client.get(review.get_absolute_url()).text
    assert "No action" in page
    response = client.post(
        reverse("reviews:recommendation_link", args=[recommendation.pk]), {"action": action.pk}
    )
    assert response.status_code == 302
    link = RecommendationAction.objects.get()
    assert (link.recommendation, link.action, link.linked_by) == (recommendation, action, people.manager)
    assert link.history.count() == 1
    page = client.get(review.get_absolute_url()).text
    assert "Audit thirty-five case records" in page
    response = client.post(reverse("reviews:recommendation_unlink", args=[recommendation.pk, action.pk]))
    assert response.status_code == 302
    assert not RecommendationAction.objects.exists()
    assert link.history.count() == 2  # the removal is in the audit trail


def test_actions_of_another_partnership_cannot_be_linked(client, people, recommendation):
    foreign = ActionFactory(objective__priority_area__plan__board=people.other_board)
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:recommendation_link", args=[recommendation.pk]), {"action": foreign.pk}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert not RecommendationAction.objects.exists()


def test_manager_records_and_verifies_impact_evidence(client, people, review, linked, action):
    client.force_login(people.manager)
    url = reverse("reviews:evidence_create", args=[action.pk]) + f"?review={review.pk}"
    response = client.post(
        url, {"text": "Re-audit shows recording improved.", "date_0": "1", "date_1": "10", "date_2": "2026"}
    )
    assert response.status_code == 400
    assert "Give a link to the audit or figures, or an indicator reference" in response.text
    assert "Re-audit shows recording improved." in response.text
    response = client.post(
        url,
        {
            "text": "Re-audit shows recording improved.",
            "date_0": "1",
            "date_1": "10",
            "date_2": "2026",
            "link": "https://example.org/audit.pdf",
        },
    )
    assert response.status_code == 302 and response.url == review.get_absolute_url() + "#recommendations"
    evidence = ImpactEvidence.objects.get()
    assert evidence.recorded_by == people.manager and not evidence.verified
    response = client.post(reverse("reviews:evidence_verify", args=[evidence.pk]), {"review": review.pk})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.verified and evidence.verified_on == datetime.date(2026, 11, 23)


def test_evidence_back_link_ignores_reviews_of_other_partnerships(client, people, action):
    from tests.reviews.factories import ReviewFactory

    foreign_review = ReviewFactory(partnership=people.other_board.partnership)
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:evidence_create", args=[action.pk]) + f"?review={foreign_review.pk}",
        {"text": "Figures", "date_0": "1", "date_1": "10", "date_2": "2026", "indicator_reference": "NI64"},
    )
    assert response.status_code == 302 and response.url == action.get_absolute_url() + "#impact-evidence"


def test_manager_adds_and_removes_monitoring_bodies(client, people, improvement):
    # A plan may answer several reviews (Stockton's answers two).
    ImprovementPlanFactory(plan=improvement.plan, review__partnership=people.board.partnership)
    client.force_login(people.manager)
    url = reverse("reviews:monitoring", args=[improvement.plan_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"board": people.board.pk, "name": "Both"}).status_code == 400
    assert client.post(url, {"board": people.board.pk}).status_code == 302
    assert client.post(url, {"name": "Children and Young People's Partnership"}).status_code == 302
    names = [body.display_name for body in improvement.plan.monitoring_bodies.all()]
    assert names == ["Cabinet", str(people.board), "Children and Young People's Partnership"]
    remove = reverse("reviews:monitoring_remove", args=[improvement.plan_id, improvement.pk])
    assert client.post(remove).status_code == 302
    assert improvement.plan.monitoring_bodies.count() == 2


def test_manager_starts_an_improvement_plan_from_the_page(client, people, review, recommendation):
    client.force_login(people.manager)
    url = reverse("reviews:improvement_plan_create", args=[review.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "board": people.board.pk,
            "title": "Improvement plan 2026",
            "period_start_0": "1",
            "period_start_1": "4",
            "period_start_2": "2027",
            "period_end_0": "1",
            "period_end_1": "4",
            "period_end_2": "2026",
        },
    )
    assert response.status_code == 400
    assert "The plan must end after it starts." in response.text
    response = client.post(
        url,
        {
            "board": people.board.pk,
            "title": "Improvement plan 2026",
            "period_start_0": "1",
            "period_start_1": "4",
            "period_start_2": "2026",
            "period_end_0": "31",
            "period_end_1": "3",
            "period_end_2": "2027",
        },
    )
    plan = BusinessPlan.objects.get(title="Improvement plan 2026")
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert recommendation.actions.get().objective.priority_area.plan == plan


def test_improvement_plan_board_must_be_one_the_user_manages(client, people, review):
    hwb = BoardFactory(partnership=people.board.partnership, short_name="HWB")
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:improvement_plan_create", args=[review.pk]),
        {
            "board": hwb.pk,
            "title": "Plan",
            "period_start_0": "1",
            "period_start_1": "4",
            "period_start_2": "2026",
            "period_end_0": "31",
            "period_end_1": "3",
            "period_end_2": "2027",
        },
    )
    assert response.status_code == 400
    assert not BusinessPlan.objects.filter(title="Plan").exists()


# --- panels on plans' pages ---------------------------------------------------


def test_plan_page_shows_reviews_answered_and_monitoring_bodies(client, people, improvement, review):
    client.force_login(people.member)
    page = client.get(improvement.plan.get_absolute_url()).text
    assert "Monitored by" in page and "Cabinet" in page and review.title in page


def test_the_monitoring_panel_asks_for_itself_given_a_plan_without_the_page_s_columns(
    people, improvement, review, rf, django_assert_num_queries
):
    """The plan page reads whether a plan answers a review with the plan (no query of the
    panel's own, plans.extensions.plan_page_annotations); a plan loaded elsewhere does not
    carry those columns, and the panel then reads them itself."""
    from plans.models import BusinessPlan
    from reviews.panels import plan_monitoring_panel

    plain = BusinessPlan.objects.get(pk=improvement.plan.pk)
    panel = plan_monitoring_panel(rf.get("/"), plain)
    assert panel is not None and review in panel.context["reviews"]
    unrelated = ActionFactory(objective__priority_area__plan__board=people.board).objective.priority_area.plan
    unrelated = BusinessPlan.objects.get(pk=unrelated.pk)
    with django_assert_num_queries(1):
        assert plan_monitoring_panel(rf.get("/"), unrelated) is None


def test_action_page_shows_recommendations_and_impact(client, people, linked, action):
    ImpactEvidenceFactory(action=action, verified=True, text="Re-audit of 35 records: all good.")
    client.force_login(people.member)
    page = client.get(action.get_absolute_url()).text
    assert "Recommendations this action answers" in page
    assert "recommendation 1" in page
    assert "Re-audit of 35 records: all good." in page
    assert "Verified" in page
    assert "Record or verify evidence" not in page  # members read only
    client.force_login(people.manager)
    assert "Record or verify evidence" in client.get(action.get_absolute_url()).text


def test_pages_of_unrelated_plans_and_actions_show_no_review_panel(client, people):
    action = ActionFactory(objective__priority_area__plan__board=people.board)
    client.force_login(people.member)
    assert "Monitored by" not in client.get(action.objective.priority_area.plan.get_absolute_url()).text
    assert "Recommendations this action answers" not in client.get(action.get_absolute_url()).text


# --- query counts ------------------------------------------------------------------


def _review_with(people, review, count: int) -> None:
    """Recommendations with two actions each, with progress and evidence; bulk-created for speed."""
    plan = BusinessPlanFactory(board=people.board)
    objective = ObjectiveFactory(priority_area__plan=plan)
    for _ in range(3):
        FocusThemeFactory(review=review)
        ReviewTeamMemberFactory(review=review)
        WorkStrandFactory(review=review)
    ImprovementPlanFactory(review=review, plan=plan)
    MonitoringBodyFactory(plan=plan)
    recs = Recommendation.objects.bulk_create(
        Recommendation(review=review, number=n, text=f"Recommendation {n}", owner_board=people.board)
        for n in range(1, count + 1)
    )
    actions = Action.objects.bulk_create(
        Action(
            objective=objective,
            position=position,
            description=f"Action {position}",
            lead_role="Chair",
            due_date=datetime.date(2026, 12, 31),
            status=Status.COMPLETE if position % 2 else Status.IN_PROGRESS,
            rag=Rag.BLUE if position % 2 else Rag.GREEN,
            completed_on=datetime.date(2026, 9, 1) if position % 2 else None,
        )
        for position in range(1, 2 * count + 1)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(action=action, date=datetime.date(2026, 9, 30), text="Progress") for action in actions
    )
    ImpactEvidence.objects.bulk_create(
        ImpactEvidence(
            action=action,
            text="Audit",
            date=datetime.date(2026, 10, 1),
            verified=True,
            verified_on=datetime.date(2026, 10, 2),
        )
        for action in actions
    )
    RecommendationAction.objects.bulk_create(
        RecommendationAction(recommendation=rec, action=action)
        for index, rec in enumerate(recs)
        for action in actions[2 * index : 2 * index + 2]
    )


@pytest.mark.parametrize("count", [5, 50])
def test_review_page_answers_in_a_fixed_number_of_queries(
    client, people, review, count, django_assert_max_num_queries
):
    """Prevents an N+1 per recommendation, per linked action (progress, evidence, plan, board),
    and per team member, theme, strand or monitoring body."""
    _review_with(people, review, count)
    client.force_login(people.manager)
    with django_assert_max_num_queries(20):
        response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count('class="app-recommendation') == count


@pytest.mark.parametrize("count", [2, 20])
def test_review_list_answers_in_a_fixed_number_of_queries(
    client, people, review, count, django_assert_max_num_queries
):
    _review_with(people, review, count)
    client.force_login(people.manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reviews:partnership", args=[people.board.partnership.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_plan_and_action_pages_with_review_panels_answer_in_fixed_queries(
    client, people, review, plan, action, count, django_assert_max_num_queries
):
    """The panels load the reviews, monitoring bodies, links and evidence in a fixed number of
    queries, however many recommendations an action answers."""
    ImprovementPlanFactory(review=review, plan=plan)
    MonitoringBodyFactory(plan=plan)
    for number in range(1, count + 1):
        RecommendationActionFactory(
            recommendation__review=review, recommendation__number=number, action=action
        )
        ImpactEvidenceFactory(action=action, verified=bool(number % 2))
    client.force_login(people.manager)
    # The budgets include the other apps' panels (meetings adds one query to each page: the
    # meeting an action arose at, the decision that approved the plan), and the action page
    # reads the action's own evidence (plans.rows.for_action). The plan page reads the
    # latest notes and first due dates in two queries of their own (plans.plan_table), and
    # for a manager of a plan in force, whether a new version is being drafted; and first the
    # row its kept frame is keyed on (plans.page_frame), which a page with panels cannot use.
    with django_assert_max_num_queries(20):
        assert client.get(plan.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(action.get_absolute_url())
    assert response.text.count("recommendation ") >= count


# --- team, focus, strands, findings and judgements ------------------------------


def test_manager_adds_team_members_in_order_and_removes_one(client, people, review):
    client.force_login(people.manager)
    url = reverse("reviews:review_part_add", args=[review.pk, "team"])
    for name in ("Cliff James", "Mark Nicholas"):
        response = client.post(url, {"name": name, "role": "Peer", "organisation": "LGA"})
        assert response.status_code == 302 and response.url.endswith("#team")
    assert list(review.team.values_list("position", "name")) == [(1, "Cliff James"), (2, "Mark Nicholas")]
    page = client.get(review.get_absolute_url()).text
    assert "2 members" in page
    first = review.team.get(position=1)
    remove = reverse("reviews:review_part_remove", args=[review.pk, "team", first.pk])
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert list(review.team.values_list("name", flat=True)) == ["Mark Nicholas"]


def test_manager_adds_a_strand_with_records_audited_and_a_themed_finding(client, people, review):
    client.force_login(people.manager)
    client.post(
        reverse("reviews:review_part_add", args=[review.pk, "strands"]),
        {"name": "Case Records Review", "records_audited": "35"},
    )
    client.post(
        reverse("reviews:review_part_add", args=[review.pk, "focus"]), {"kind": "theme", "text": "Practice"}
    )
    theme = review.focus_themes.get()
    response = client.post(
        reverse("reviews:review_part_add", args=[review.pk, "findings"]),
        {"kind": "strength", "text": "Good recording", "theme": theme.pk},
    )
    assert response.status_code == 302
    assert review.strands.get().records_audited == 35
    assert review.findings.get().theme == theme
    assert "35 records audited" in client.get(review.get_absolute_url()).text


def test_a_finding_cannot_use_another_review_theme(client, people, review):
    other_theme = FocusThemeFactory(review__partnership=people.board.partnership)
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:review_part_add", args=[review.pk, "findings"]),
        {"kind": "strength", "text": "Good recording", "theme": other_theme.pk},
    )
    assert response.status_code == 400
    assert "Good recording" in response.text
    assert not review.findings.exists()


def test_unknown_parts_and_other_reviews_items_are_404(client, people, review):
    other_member = ReviewTeamMemberFactory(review__partnership=people.board.partnership)
    client.force_login(people.manager)
    assert client.get(reverse("reviews:review_part_add", args=[review.pk, "nonsense"])).status_code == 404
    remove = reverse("reviews:review_part_remove", args=[review.pk, "team", other_member.pk])
    assert client.post(remove).status_code == 404


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_remove_parts(client, people, review, role):
    member = ReviewTeamMemberFactory(review=review)
    client.force_login(getattr(people, role))
    assert (
        client.post(reverse("reviews:review_part_remove", args=[review.pk, "team", member.pk])).status_code
        == 403
    )
    assert review.team.count() == 1


def test_review_page_query_count_is_the_same_for_5_and_50_recommendations(client, people):
    """The same count, not only under a ceiling: nothing on the page queries per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reviews.factories import ReviewFactory

    client.force_login(people.manager)
    client.get(reverse("boards:home"))  # the session's idle expiry pushed back: not counted
    counts = []
    for count in (5, 50):
        review = ReviewFactory(partnership=people.board.partnership)
        _review_with(people, review, count)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(review.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_duplicate_review_title_is_a_form_error_not_a_crash(client, people, review):
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:review_create", args=[people.board.partnership.slug]),
        {"kind": "other", "title": review.title, "status": "reported"},
    )
    assert response.status_code == 400
    assert "The partnership already has a review with this title." in response.text


def test_a_lost_race_on_the_recommendation_number_is_reported_on_the_form(
    client, people, review, recommendation, monkeypatch
):
    """Two managers adding recommendation 1 at once: the loser sees a message, nothing crashes."""
    from reviews.forms import RecommendationForm

    monkeypatch.setattr(RecommendationForm, "clean_number", lambda form: form.cleaned_data["number"])
    assert recommendation.number == 1
    client.force_login(people.manager)
    response = client.post(
        reverse("reviews:recommendation_create", args=[review.pk]),
        {"number": "1", "text": "Second one", "response": "accepted"},
    )
    assert response.status_code == 400
    assert "Someone else saved a clashing number or title just now" in response.text
    assert review.recommendations.count() == 1


def test_unlinking_with_htmx_answers_the_recommendations_and_figures_in_place(client, people, review, linked):
    client.force_login(people.manager)
    url = reverse("reviews:recommendation_unlink", args=[linked.recommendation_id, linked.action_id])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text  # a partial, not the page
    assert 'id="coverage"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "No action" in response.text
    assert "Action unlinked from recommendation 1." in response.text
    assert not RecommendationAction.objects.exists()
