import pytest
from django.core.management import call_command

from plans import extensions
from plans.extensions import Panel, register_action_panel, register_plan_panel
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def isolated_registry(monkeypatch):
    monkeypatch.setattr(extensions, "_plan_panels", [])
    monkeypatch.setattr(extensions, "_action_panels", [])


def test_registered_panels_appear_on_plan_and_action_pages(client, people, isolated_registry):
    action = ActionFactory(objective__priority_area__plan__board=people.board)
    register_plan_panel(lambda request, plan: Panel("plans/tests/panel.html", {"text": f"plan {plan.pk}"}))
    register_action_panel(lambda request, action: Panel("plans/tests/panel.html", {"text": "action panel"}))
    register_action_panel(lambda request, action: None)
    client.force_login(people.member)
    plan = action.objective.priority_area.plan
    assert f"panel says: plan {plan.pk}" in client.get(plan.get_absolute_url()).text
    assert "panel says: action panel" in client.get(action.get_absolute_url()).text


def test_demo_loaded_signal_is_sent_inside_load_demo():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    extensions.demo_loaded.connect(receiver)
    try:
        call_command("load_demo")
    finally:
        extensions.demo_loaded.disconnect(receiver)
    assert len(received) == 1
    assert received[0]["original_dates"] is False
    assert received[0]["year_shift"] >= 0
