import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from boards.models import Agency, AgencyKind, Board, Membership, Partnership, Role, SubCommittee
from plans.models import (
    Action,
    BusinessPlan,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Rag,
    Status,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Borough {n}")
    slug = factory.Sequence(lambda n: f"borough-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.LOCAL_AUTHORITY


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Safeguarding Children Board {n}")
    short_name = factory.Sequence(lambda n: f"SCB{n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    kind = Board.Kind.SAFEGUARDING_CHILDREN_BOARD


class SubCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubCommittee

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Sub-committee {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    role = Role.MEMBER


class BusinessPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessPlan

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Business Plan {n}")
    period_start = datetime.date(2026, 4, 1)
    period_end = datetime.date(2028, 3, 31)
    status = BusinessPlan.Status.APPROVED
    # An approved plan records when (a database constraint); drafts have no approval.
    approved_at = factory.LazyAttribute(
        lambda plan: timezone.now() if plan.status == BusinessPlan.Status.APPROVED else None
    )


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityArea

    plan = factory.SubFactory(BusinessPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    priority_area = factory.SubFactory(PriorityAreaFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda o: f"{o.priority_area.number}.{o.position}")
    description = factory.Faker("sentence", nb_words=12)


class EvidenceSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceSource

    objective = factory.SubFactory(ObjectiveFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence", nb_words=4)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    position = factory.Sequence(lambda n: n + 1)
    description = factory.Faker("sentence", nb_words=10)
    lead_role = "Chair of Quality Assurance Sub-committee"
    due_date = datetime.date(2026, 12, 31)
    status = Status.NOT_STARTED
    # Complete is blue and blue is complete (a check constraint).
    rag = factory.LazyAttribute(lambda a: Rag.BLUE if a.status == Status.COMPLETE else Rag.NOT_RATED)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    date = datetime.date(2026, 9, 30)
    text = factory.Faker("sentence", nb_words=10)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    objective = factory.SubFactory(ObjectiveFactory)
    position = factory.Sequence(lambda n: n + 1)
    description = factory.Faker("sentence", nb_words=8)
