"""The optimistic-lock check cannot be skipped: a based_on_version that is neither the
current version nor one the row really had is refused, with the input kept."""

import pytest
from django.urls import reverse

from plans.models import Action, ProgressUpdate
from tests.plans.test_permissions import action_edit_data, plan_edit_data, quick_update_data

pytestmark = pytest.mark.django_db


def _state(action: Action) -> tuple:
    action.refresh_from_db()
    return (action.version, action.status, action.rag, action.description, action.history.count())


@pytest.mark.parametrize("version", [999, 2])  # a future version; a version never reached yet
def test_quick_update_with_a_made_up_version_is_refused(client, people, own, version):
    before = _state(own.led)
    notes = ProgressUpdate.objects.count()
    client.force_login(people.chair)
    data = {
        **quick_update_data(own.led),
        f"action-{own.led.pk}-based_on_version": own.led.version + version - 1,
    }
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert response.status_code == 200
    assert "not based on a version of this record that exists" in response.text
    assert "Terms of reference agreed." in response.text  # the typed note is kept
    assert _state(own.led) == before and ProgressUpdate.objects.count() == notes


def test_the_manager_edit_with_a_made_up_version_is_refused_and_the_form_kept(client, people, own):
    before = _state(own.led)
    client.force_login(people.manager)
    data = {**action_edit_data(own.led), "based_on_version": 999}
    response = client.post(reverse("plans:action_edit", args=[own.led.pk]), data)
    assert response.status_code == 200
    assert "not based on a version of this record that exists" in response.text
    assert "(revised)" in response.text
    assert _state(own.led) == before
    # The kept form is now based on the current version: saving it again works.
    assert f'name="based_on_version" value="{own.led.version}"' in response.text


def test_a_plan_edit_with_a_made_up_version_is_refused(client, people, own):
    client.force_login(people.manager)
    version = own.plan.version
    response = client.post(
        reverse("plans:edit", args=["plan", own.plan.pk]),
        {**plan_edit_data(own.plan), "based_on_version": 50},
    )
    assert response.status_code == 200 and "not based on a version" in response.text
    own.plan.refresh_from_db()
    assert own.plan.version == version and not own.plan.title.endswith("(revised)")


@pytest.mark.parametrize("version", ["0", "-3", "x", ""])
def test_a_version_that_is_not_a_positive_number_is_a_form_error(client, people, own, version):
    before = _state(own.led)
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-based_on_version": version}
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data)
    assert response.status_code == 200
    assert _state(own.led) == before


def test_an_earlier_real_version_is_still_merged(client, people, own):
    """An earlier version the row really had is the normal conflict path (merge or refuse)."""
    base = own.led.version
    own.led.description = "Renamed by someone else"
    own.led.save()
    client.force_login(people.chair)
    data = {**quick_update_data(own.led), f"action-{own.led.pk}-based_on_version": base}
    assert client.post(reverse("plans:action_update", args=[own.led.pk]), data).status_code == 302
    own.led.refresh_from_db()
    assert (own.led.status, own.led.rag) == ("in_progress", "amber")
