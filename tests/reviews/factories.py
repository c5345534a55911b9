import datetime

import factory

from reviews.models import (
    CaseReviewStage,
    Finding,
    FocusTheme,
    ImpactEvidence,
    ImprovementPlan,
    MonitoringBody,
    NotImplementedDecision,
    Recommendation,
    RecommendationAction,
    Review,
    ReviewKind,
    ReviewReport,
    ReviewTeamMember,
    WorkStrand,
)
from tests.factories import ActionFactory, BoardFactory, PartnershipFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    partnership = factory.SubFactory(PartnershipFactory)
    kind = ReviewKind.LGA_PEER_REVIEW
    title = factory.Sequence(lambda n: f"Peer review {n}")
    on_site_start = datetime.date(2026, 3, 25)
    on_site_end = datetime.date(2026, 3, 27)


class ReviewReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewReport

    review = factory.SubFactory(ReviewFactory)
    board = factory.SubFactory(BoardFactory, partnership=factory.SelfAttribute("..review.partnership"))


class ReviewTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewTeamMember

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Faker("name")
    role = "Peer"
    organisation = "Local Government Association"


class FocusThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusTheme

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Theme {n}")


class WorkStrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkStrand

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Strand {n}")


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = Finding.Kind.AREA_FOR_IMPROVEMENT
    text = factory.Faker("sentence", nb_words=10)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence", nb_words=12)
    response = Recommendation.Response.ACCEPTED


class RecommendationActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationAction

    recommendation = factory.SubFactory(RecommendationFactory)
    action = factory.SubFactory(ActionFactory)


class ImpactEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactEvidence

    action = factory.SubFactory(ActionFactory)
    text = factory.Faker("sentence", nb_words=10)
    date = datetime.date(2026, 10, 1)
    indicator_reference = "NI64 Q2"
    verified = False
    verified_on = factory.LazyAttribute(lambda o: datetime.date(2026, 10, 2) if o.verified else None)


class ImprovementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementPlan

    review = factory.SubFactory(ReviewFactory)
    plan = factory.SubFactory("tests.factories.BusinessPlanFactory")


class MonitoringBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringBody

    plan = factory.SubFactory("tests.factories.BusinessPlanFactory")
    position = factory.Sequence(lambda n: n + 1)
    name = "Children's Scrutiny Panel"


class CaseReviewFactory(ReviewFactory):
    """A serious incident notified to the national panel, with its rapid review to hold."""

    kind = ReviewKind.LCSPR
    title = factory.Sequence(lambda n: f"Case review {n}")
    on_site_start = None
    on_site_end = None
    status = Review.Status.UNDER_WAY
    stage = CaseReviewStage.AWARE
    became_aware = datetime.date(2026, 11, 2)


class NotImplementedDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotImplementedDecision

    recommendation = factory.SubFactory(RecommendationFactory)
    review = factory.SelfAttribute("recommendation.review")
    reason = "The service it concerns was decommissioned in the year."
    decided_on = datetime.date(2026, 10, 15)
