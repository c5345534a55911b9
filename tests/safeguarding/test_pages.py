"""What every page carries: a favicon, a skip link to its own main content (403s
included), and the service navigation for signed-in users."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def skip_link_points_at_main(html: str) -> bool:
    skip = re.search(r'<a href="#([\w-]+)" class="govuk-skip-link"', html)
    return bool(skip) and re.search(rf'<main[^>]* id="{skip.group(1)}"', html) is not None


def test_a_refused_page_has_a_skip_link_to_its_main_content_and_the_favicon(client, people):
    client.force_login(people.member)
    plan_url = reverse("plans:plan_create", args=[people.board.slug])
    response = client.get(plan_url)
    assert response.status_code == 403
    html = response.content.decode()
    assert skip_link_points_at_main(html)
    assert 'rel="icon" href="/static/images/favicon.svg"' in html


def test_a_form_refused_for_its_csrf_token_gets_our_403_page_not_djangos(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.manager)
    response = client.post(reverse("plans:plan_create", args=[people.board.slug]), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "nothing was saved" in html
    assert skip_link_points_at_main(html)
    assert 'rel="icon"' in html


def test_the_old_favicon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/images/favicon.svg"


def test_sign_in_page_has_the_favicon_and_no_navigation(client):
    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in html
    assert "govuk-service-navigation" not in html


def test_navigation_marks_the_current_section_and_keeps_sign_out_last(client):
    client.force_login(UserFactory())
    html = client.get(reverse("plans:my_actions")).content.decode()
    nav = html[html.index('<nav aria-label="Menu"') : html.index("</nav>")]
    assert nav.index('aria-controls="navigation"') < nav.index("My boards")  # the Menu button first
    current = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)" aria-current="true">', nav
    )
    assert current == [reverse("plans:my_actions")]
    links = re.findall(r">(My boards|My actions|Meetings|Reviews|Frameworks|Notifications|Sign out)<", nav)
    assert links[-1] == "Sign out"
