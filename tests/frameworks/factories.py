import datetime

import factory

from frameworks.models import (
    Adoption,
    AdoptionDecision,
    Consent,
    Framework,
    FrameworkBoard,
    FrameworkStatus,
    Relationship,
    RelationshipKind,
    Responsibility,
    SharedFunction,
)
from tests.factories import BoardFactory, PartnershipFactory


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Framework of Cooperation {n}")
    version = 1
    status = FrameworkStatus.PROPOSED


class FrameworkBoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkBoard

    framework = factory.SubFactory(FrameworkFactory)
    board = factory.SubFactory(BoardFactory, partnership=factory.SelfAttribute("..framework.partnership"))
    primary_function = "scrutiny and advisory"
    statutory_basis = "Children Act 2004 ss.13–14"
    # Bound with the board's consent unless a test asks for a request instead.
    consent = Consent.GIVEN


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    framework_board = factory.SubFactory(FrameworkBoardFactory)
    sub_group = "Policies and Procedures"
    text = factory.Faker("sentence", nb_words=8)


class SharedFunctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedFunction

    framework = factory.SubFactory(FrameworkFactory)
    name = factory.Sequence(lambda n: f"Shared function {n}")
    delivered_by = "Stay Safe Partnership"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    framework = factory.SubFactory(FrameworkFactory)
    kind = RelationshipKind.SCRUTINISES


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    decision = AdoptionDecision.ADOPT
    meeting_date = datetime.date(2026, 10, 1)


def framework_binding(*boards, status=FrameworkStatus.PROPOSED, **kwargs) -> Framework:
    """A framework of the first board's partnership that binds the given boards."""
    framework = FrameworkFactory(partnership=boards[0].partnership, status=status, **kwargs)
    for position, board in enumerate(boards, start=1):
        FrameworkBoardFactory(framework=framework, board=board, position=position)
    return framework
