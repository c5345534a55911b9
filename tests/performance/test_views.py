import pytest
from django.urls import reverse

from performance.models import IndicatorValue
from tests.dates import date_input
from tests.factories import MeasureFactory
from tests.performance.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(people):
    indicator = IndicatorFactory(board=people.board, code="NI64", title="CP plans lasting two years")
    IndicatorValueFactory(indicator=indicator, value=9, target=6, note="Illustrative figure for the demo")
    return indicator


def test_members_see_indicators_with_chart_and_table(
    client, people, indicator, django_assert_max_num_queries
):
    client.force_login(people.member)
    with django_assert_max_num_queries(
        12
    ):  # fixed: values and measures are prefetched, not loaded per indicator
        response = client.get(reverse("performance:indicators", args=[people.board.slug]))
    assert "NI64" in response.text and "illustrative demo data" in response.text
    response = client.get(indicator.get_absolute_url())
    assert response.status_code == 200
    assert "<svg" in response.text and "Q1 2026/27" in response.text
    assert "Add a value" not in response.text  # members read only


def test_outsiders_get_404_and_anonymous_users_sign_in(client, people, indicator):
    assert client.get(indicator.get_absolute_url()).status_code == 302
    client.force_login(people.outsider)
    assert client.get(indicator.get_absolute_url()).status_code == 404
    assert client.get(reverse("performance:indicators", args=[people.board.slug])).status_code == 404


def test_managers_add_values_and_readers_may_not(client, people, indicator):
    data = {
        "period_label": "Q2 2026/27",
        **date_input("period_start", "2026-07-01"),
        **date_input("period_end", "2026-09-30"),
        "value": "7.5",
        "target": "6",
        "note": "",
    }
    client.force_login(people.member)
    assert client.post(indicator.get_absolute_url(), data).status_code == 403
    client.force_login(people.manager)
    assert client.post(indicator.get_absolute_url(), data).status_code == 302
    assert indicator.values.count() == 2
    response = client.post(indicator.get_absolute_url(), data)  # same period again
    assert response.status_code == 400 and "already has a value for that period" in response.text
    response = client.post(
        indicator.get_absolute_url(), {**data, **date_input("period_start", "2026-10-01"), "value": "x"}
    )
    assert response.status_code == 400 and IndicatorValue.objects.count() == 2
    response = client.post(indicator.get_absolute_url(), {"period_label": "Q3"})
    assert "Enter the day the period starts" in response.text and "Enter the value" in response.text


def test_partnership_indicators_are_shared_by_the_partnership_boards(client, people):
    shared = IndicatorFactory(board=None, partnership=people.board.partnership, code="LOCAL1")
    client.force_login(people.member)
    assert client.get(shared.get_absolute_url()).status_code == 200
    client.force_login(people.outsider)
    assert client.get(shared.get_absolute_url()).status_code == 404


def test_link_measures_by_code_links_only_the_owners_measures(people):
    mine = MeasureFactory(objective__priority_area__plan__board=people.board, indicator_code="ni70")
    MeasureFactory(objective__priority_area__plan__board=people.other_board, indicator_code="NI70")
    indicator = IndicatorFactory(board=people.board, code="NI70")
    assert indicator.link_measures_by_code() == 1
    assert indicator.link_measures_by_code() == 0
    assert list(indicator.measures.all()) == [mine]


def test_a_value_with_a_half_entered_period_names_the_missing_part(client, people, indicator):
    """Issue 14, point 6: GOV.UK date inputs with the Design System's messages."""
    client.force_login(people.manager)
    page = client.get(indicator.get_absolute_url()).text
    assert 'type="date"' not in page and 'name="period_start_0"' in page
    response = client.post(
        indicator.get_absolute_url(),
        {
            "period_label": "Q2 2026/27",
            "period_start_0": "1",
            "period_start_2": "2026",
            **date_input("period_end", "2026-09-30"),
            "value": "7",
        },
    )
    assert response.status_code == 400
    assert "Start of the period must include a month" in response.text
    assert 'href="#id_period_start_1"' in response.text
    assert IndicatorValue.objects.filter(period_label="Q2 2026/27").count() == 0
