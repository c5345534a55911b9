"""Way-finding on plan pages (#14.11): an empty priority area invites its first
objective; a long Arrange page offers "Add a priority area" at its top."""

from django.urls import reverse

from tests.factories import BusinessPlanFactory, PriorityAreaFactory


def test_an_empty_priority_area_invites_its_first_objective_on_the_plan_page(client, people, own):
    empty = PriorityAreaFactory(plan=own.plan, number=2, title="Early Help")
    client.force_login(people.manager)
    html = client.get(own.plan.get_absolute_url()).content.decode()
    section = html[html.index('id="priority-area-2"') :]
    assert "This priority area has no objectives yet." in section
    assert reverse("plans:objective_create", args=[empty.pk]) in section
    # The area with objectives still shows its table, and no invitation.
    first = html[html.index('id="priority-area-1"') : html.index('id="priority-area-2"')]
    assert "app-plan-table" in first
    assert "no objectives yet" not in first


def test_readers_see_an_empty_priority_area_without_the_link(client, people, own):
    empty = PriorityAreaFactory(plan=own.plan, number=2, title="Early Help")
    client.force_login(people.member)
    html = client.get(own.plan.get_absolute_url()).content.decode()
    assert "This priority area has no objectives yet." in html
    assert reverse("plans:objective_create", args=[empty.pk]) not in html


def test_arrange_offers_a_priority_area_at_the_top_and_invites_a_first_objective(client, people, own):
    empty = PriorityAreaFactory(plan=own.plan, number=2, title="Early Help")
    client.force_login(people.manager)
    html = client.get(reverse("plans:arrange", args=[own.plan.pk])).content.decode()
    add_area = reverse("plans:priority_area_create", args=[own.plan.pk])
    assert html.count(f'href="{add_area}"') == 2
    assert html.index(f'href="{add_area}"') < html.index('id="plan-structure"')
    assert "Add its first objective" in html
    assert reverse("plans:objective_create", args=[empty.pk]) in html


def test_arrange_of_an_empty_plan_offers_the_first_priority_area_once(client, people):
    plan = BusinessPlanFactory(board=people.board)
    client.force_login(people.manager)
    html = client.get(reverse("plans:arrange", args=[plan.pk])).content.decode()
    assert html.count(reverse("plans:priority_area_create", args=[plan.pk])) == 1
