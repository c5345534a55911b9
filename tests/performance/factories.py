import datetime
from decimal import Decimal

import factory

from performance.models import GoodDirection, Indicator, IndicatorValue
from tests.factories import BoardFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    board = factory.SubFactory(BoardFactory)
    partnership = None
    code = factory.Sequence(lambda n: f"NI{100 + n}")
    title = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    good_direction = GoodDirection.DOWN


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = datetime.date(2026, 4, 1)
    period_end = datetime.date(2026, 6, 30)
    period_label = "Q1 2026/27"
    value = Decimal("12.5")
    target = Decimal("10")
    note = ""
