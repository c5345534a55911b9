import pytest
from django.core.management import call_command

from performance.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db


def test_demo_adds_illustrative_indicators_linked_to_the_sscb_measures_once():
    call_command("load_demo")
    indicators = {i.code: i for i in Indicator.objects.prefetch_related("measures")}
    assert set(indicators) == {"NI64", "NI65", "NI32", "NI70"}
    assert indicators["NI70"].measures.count() == 2  # the plan names NI70 twice
    assert indicators["NI32"].get_good_direction_display() == "An initial increase, then a decrease"
    assert IndicatorValue.objects.count() == 32
    assert all(v.note.startswith("Illustrative") for v in IndicatorValue.objects.all())
    history = IndicatorValue.history.count()
    call_command("load_demo")
    assert IndicatorValue.history.count() == history  # idempotent: saves only what changed
