"""Every page a demo user can reach, with every form on it, looks finished (issue 14, points 6–7):

- no `---------` option or radio anywhere: optional choices read "None" or "Choose …";
- no browser-native date or time picker: dates use the GOV.UK date input (day, month, year).

The pages are found as a person finds them, by following links from "My boards" as each kind
of demo user (manager, chair, the improvement board's manager), on the demo data.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"]*)"')
NATIVE_PICKER = re.compile(r'<input[^>]*type="(date|time|datetime-local|month|week)"')
# Not pages with forms, or not ours: files, feeds, the Django admin, signing out.
SKIP = re.compile(r"^/(static|admin|accounts/logout)/|export|download|\.pdf|\.ics|/feed|/calendar|/pdf")
DEMO_USERS = ["manager", "qa.chair", "improvement.manager"]
PAGE_LIMIT = 600
# Pages of one kind (/plans/actions/12/edit/, /plans/actions/13/edit/…) carry the same forms:
# three of each kind keep the crawl to a minute.
PER_KIND = 3


def crawl(client) -> dict[str, str]:
    """Every HTML page reachable by links from the home page, by path (query strings dropped:
    they only filter the same pages)."""
    pages: dict[str, str] = {}
    queue = deque(["/"])
    seen = {"/"}
    kinds: Counter[str] = Counter()
    while queue and len(pages) < PAGE_LIMIT:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[path] = html
        for href in LINK.findall(html):
            target = urlsplit(urldefrag(href.replace("&amp;", "&"))[0]).path
            if not target or target in seen or SKIP.search(target):
                continue
            seen.add(target)
            kind = re.sub(r"\d+", "N", target)
            kinds[kind] += 1
            if kinds[kind] <= PER_KIND:
                queue.append(target)
    return pages


@pytest.fixture(scope="module")
def demo_pages(django_db_setup, django_db_blocker) -> dict[str, dict[str, str]]:
    with django_db_blocker.unblock(), time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        from django.db import transaction
        from django.test import Client

        pages: dict[str, dict[str, str]] = {}
        # Rolled back at the end: the other tests get an empty database, as they expect.
        with transaction.atomic():
            call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            for username in DEMO_USERS:
                client = Client()
                client.force_login(get_user_model().objects.get(username=username))
                pages[username] = crawl(client)
            transaction.set_rollback(True)
    return pages


def form_pages(pages: dict[str, str]) -> dict[str, str]:
    """Pages with a form besides the header's "Sign out"."""
    return {path: html for path, html in pages.items() if re.search(r"<form(?![^>]*logout)", html)}


@pytest.mark.parametrize("username", DEMO_USERS)
def test_the_crawl_reaches_the_form_pages(demo_pages, username):
    """Guards the two tests below against passing on nothing."""
    pages = form_pages(demo_pages[username])
    assert len(pages) >= 10, sorted(pages)
    if username == "manager":
        for part in (
            r"/plans/actions/\d+/edit/",
            r"/meetings/\d+/",
            r"/recommendations/\d+/link/",
            "/indicators/",
        ):
            assert any(re.search(part, path) for path in pages), f"no form page like {part}: {sorted(pages)}"


@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_form_offers_a_dashed_choice(demo_pages, username):
    dashed = [path for path, html in demo_pages[username].items() if "---------" in html]
    assert dashed == []


@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_page_uses_a_browser_date_picker(demo_pages, username):
    native = {path: NATIVE_PICKER.findall(html) for path, html in demo_pages[username].items()}
    assert {path: kinds for path, kinds in native.items() if kinds} == {}


TEXT_BOX = re.compile(r"<(?:input|select|textarea)\b[^>]*>")
NOT_A_BOX = {"hidden", "submit", "checkbox", "radio", "file", "button"}
GOVUK_BOX = {"govuk-input", "govuk-select", "govuk-textarea"}


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_box_is_a_govuk_input_select_or_textarea(demo_pages, username):
    """No unstyled browser control, and no type="number" box (crispy-forms-gds leaves them
    unstyled, and the Design System advises against them)."""
    unstyled = set()
    for path, html in demo_pages[username].items():
        for tag in TEXT_BOX.findall(html):
            kind = re.search(r'type="([^"]+)"', tag)
            classes = re.search(r'class="([^"]*)"', tag)
            if kind and kind.group(1) in NOT_A_BOX:
                continue
            # GOV.UK asks for numbers in a text box with inputmode, never type="number".
            if (kind and kind.group(1) == "number") or not GOVUK_BOX & set(
                classes.group(1).split() if classes else ()
            ):
                unstyled.add((re.sub(r"\d+", "N", path), re.sub(r'value="[^"]*"', "", tag)))
    assert sorted(unstyled) == []


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("username", DEMO_USERS)
def test_no_stray_space_before_a_full_stop(demo_pages, username):
    """ "Currently due: March 2027 ." came from an included template's last newline."""
    stray = {}
    for path, html in demo_pages[username].items():
        found = re.findall(r"\S{0,30}\w \.(?:\s|$)", visible_text(html))
        if found:
            stray[path] = found
    assert stray == {}


def test_every_date_box_is_a_govuk_date_input(demo_pages):
    """The action edit page's due date comes as three labelled boxes."""
    html = next(
        html for path, html in demo_pages["manager"].items() if re.search(r"/plans/actions/\d+/edit/", path)
    )
    assert 'class="govuk-date-input"' in html
    for part in ("Day", "Month", "Year"):
        assert re.search(
            rf'<label class="govuk-label govuk-date-input__label" for="id_due_date_\d">\s*{part}', html
        )
