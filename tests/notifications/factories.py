import datetime

import factory

from notifications.models import (
    CalendarFeedToken,
    ClaimStatus,
    Notification,
    NotificationPreference,
    ReminderKind,
    SentReminder,
    hash_feed_token,
)
from plans.models import BusinessPlan, Objective
from tests.factories import ActionFactory, BoardFactory, ObjectiveFactory, UserFactory


def action_on(board, **kwargs):
    """An action in an approved plan of ``board``, reusing one objective per board (the
    factories otherwise make a new board, plan, area and objective per action)."""
    objective = Objective.objects.filter(
        priority_area__plan__board=board, priority_area__plan__status=BusinessPlan.Status.APPROVED
    ).first() or ObjectiveFactory(priority_area__plan__board=board)
    return ActionFactory(objective=objective, **kwargs)


class SentReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SentReminder

    recipient = factory.SubFactory(UserFactory)
    kind = ReminderKind.OVERDUE
    action = factory.SubFactory(ActionFactory)
    board = factory.LazyAttribute(lambda r: r.action.objective.priority_area.plan.board)
    day = datetime.date(2026, 11, 23)
    status = ClaimStatus.SENT
    sent_at = factory.LazyFunction(lambda: datetime.datetime(2026, 11, 23, 7, tzinfo=datetime.UTC))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = ReminderKind.OVERDUE
    board = factory.SubFactory(BoardFactory)
    text = factory.Sequence(lambda n: f"Overdue: action number {n}")
    link = "/plans/actions/1/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)


class CalendarFeedTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeedToken

    class Params:
        secret = factory.Sequence(lambda n: f"secret-token-{n}")

    user = factory.SubFactory(UserFactory)
    token_hash = factory.LazyAttribute(lambda t: hash_feed_token(t.secret))
