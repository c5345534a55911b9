import datetime

import factory

from plans.models import DueDateChange
from tests.factories import ActionFactory, UserFactory


class DueDateChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DueDateChange

    action = factory.SubFactory(ActionFactory)
    old_due_date = factory.LazyAttribute(lambda c: c.action.due_date)
    new_due_date = datetime.date(2027, 3, 31)
    kind = DueDateChange.Kind.REQUESTED
    reason = "The audit was postponed by the partner agencies."
    made_by = factory.SubFactory(UserFactory)
