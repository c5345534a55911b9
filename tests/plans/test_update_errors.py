"""A failed progress update from the action page shows the form with its error, never a
500, and saves nothing (#15.8). Edit conflicts are covered in test_editing.py; a note may be
empty when the status or RAG changes."""

import pytest
from django.urls import reverse

from plans.models import ProgressUpdate
from tests.plans.test_permissions import quick_update_data

pytestmark = pytest.mark.django_db

BAD_UPDATES = {
    "over-long note": {"text": "x" * 200_000},
    "NUL byte": {"text": "before\x00after"},
    "unknown status": {"status": "nonsense"},
    "unknown RAG": {"rag": "purple"},
    "version not a number": {"based_on_version": "abc"},
}


@pytest.mark.parametrize("htmx", [False, True], ids=["form post", "htmx"])
@pytest.mark.parametrize("change", BAD_UPDATES.values(), ids=BAD_UPDATES.keys())
def test_a_bad_update_shows_the_form_with_its_error_and_saves_nothing(client, people, own, change, htmx):
    client.force_login(people.chair)
    prefix = f"action-{own.led.pk}"
    before = ProgressUpdate.objects.count()
    data = {**quick_update_data(own.led), **{f"{prefix}-{key}": value for key, value in change.items()}}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(reverse("plans:action_update", args=[own.led.pk]), data, **headers)
    assert response.status_code in (200, 400)
    assert "govuk-error-message" in response.text or "govuk-error-summary" in response.text
    assert ProgressUpdate.objects.count() == before
