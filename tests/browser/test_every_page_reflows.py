"""Every page a manager of the demo board can reach, at 320 px and at 1366 px:
no sideways scroll (WCAG 2.2 1.4.10 Reflow), nothing in the console, and no
axe-core violations.

The crawl starts at the demo board's page and follows same-origin links with
GET only (state changes are POST forms, so following links never changes
anything). It skips signing out and files (PDF, calendar, exports), and visits
at most a few pages of each URL shape (digits replaced by N), so a demo of 45
actions does not mean 45 identical action pages.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.core.management import call_command

from boards.models import Board
from plans.demo import demo_password
from reviews.models import Review
from tests.browser.axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = (1366, 320)
PAGES_PER_SHAPE = 2
MAX_PAGES = 120
# Files and sign-out: not pages to look at (a download aborts the navigation); the API and its
# Swagger UI docs are not our pages (tests/api checks the docs page).
SKIP = re.compile(
    r"/accounts/logout/|/admin/|/api/v1/|/download/|\.(pdf|ics|svg|csv|xlsx|docx)(\?|$)|/export\."
)

# Measured in the page: the widest element and what sticks out past the viewport,
# so a failure names the culprit rather than only the page.
_OVERFLOW = """
() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const culprits = [];
  if (scrollWidth > width) {
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0) {
        culprits.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
          (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
          " right=" + Math.round(box.right));
        if (culprits.length >= 5) break;
      }
    }
  }
  return {width, scrollWidth, culprits};
}
"""


# A tag (RAG, status, flag) must sit inside its table cell at every width.
_TAGS_OUTSIDE_CELLS = """
() => [...document.querySelectorAll("td .govuk-tag, th .govuk-tag")].filter(tag => {
  const cell = tag.closest("td, th").getBoundingClientRect();
  const box = tag.getBoundingClientRect();
  return box.width > 0 && (box.left < cell.left - 1 || box.right > cell.right + 1);
}).map(tag => tag.textContent.trim()).slice(0, 5)
"""

# Words are never split inside (no break-all, no overflow-wrap: anywhere): a
# narrow column must reflow, not break "Safeguarding" letter by letter. Skipped:
# GOV.UK Frontend's own one-word "Menu" toggle, and .app-break-anywhere, which
# marks e-mail addresses (not words) that may be longer than a phone's line.
_WORD_BREAKERS = """
() => [...document.body.querySelectorAll("*")].filter(el => {
  if (el.closest(".govuk-service-navigation__toggle, .app-break-anywhere") || !el.textContent.trim()) return false;
  const style = getComputedStyle(el);
  return style.wordBreak === "break-all" || style.overflowWrap === "anywhere";
}).map(el => el.tagName.toLowerCase() + "." + [...el.classList].join(".")).slice(0, 5)
"""


# What a reader sees: any run of letters drawn on two lines is a word broken inside
# ("Safeguar-/ding" without a hyphen). Measured on the rendered text, so it holds
# whatever CSS does it. E-mail addresses (.app-break-anywhere) may break.
_BROKEN_WORDS = """
() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node && broken.length < 5; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, .app-break-anywhere, .govuk-visually-hidden")) continue;
    for (const match of node.textContent.matchAll(/[A-Za-z]{2,}/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      if (rects.length > 1 && rects.some(r => Math.abs(r.top - rects[0].top) > 2)) {
        broken.push(match[0] + " in <" + parent.tagName.toLowerCase() + " class=" + parent.className + ">");
        break;
      }
    }
  }
  return broken;
}
"""

# The service navigation's own destinations and account pages stand alone; every
# other page says where it is, starting from "My boards".
TOP_LEVEL = {"/", "/plans/my-actions/", "/meetings/", "/reviews/", "/frameworks/", "/notifications/"}


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo_password(username))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My boards").wait_for()


# A page is settled when no request has been in flight for this long. Playwright's
# "networkidle" is the same test with a fixed 500 ms, which on a 120-page crawl is a minute
# of waiting; every request a page makes by itself (module scripts, the autocomplete library
# it loads on demand) starts before its load event, which page.goto already waits for, and
# htmx polls every 1-2 s, which either wait lets through.
QUIET_SECONDS = 0.15


class Network:
    """Requests in flight on a page and when the last one started or ended."""

    def __init__(self, page) -> None:
        self.in_flight: set = set()
        self.last_activity = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.in_flight.add(request)
        self.last_activity = time.monotonic()

    def _ended(self, request) -> None:
        self.in_flight.discard(request)
        self.last_activity = time.monotonic()

    def settle(self, page, timeout: float = 30) -> None:
        """Wait until nothing has been in flight for QUIET_SECONDS (events arrive while
        Playwright waits, so wait in small steps)."""
        deadline = time.monotonic() + timeout
        while self.in_flight or time.monotonic() - self.last_activity < QUIET_SECONDS:
            if time.monotonic() > deadline:
                raise AssertionError(f"{page.url}: requests still in flight: {list(self.in_flight)[:3]}")
            page.wait_for_timeout(25)


def same_origin_links(page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    links = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        if url.startswith(base_url + "/") and not SKIP.search(urlsplit(url).path + "?"):
            links.append(url)
    return links


def test_every_page_a_manager_reaches_reflows_at_320_px_and_is_clean(browser, live_server):
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        call_command("load_demo", verbosity=0)
    board = Board.objects.get(short_name="SSCB")
    base_url = live_server.url

    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    network = Network(page)
    sign_in(page, base_url, "manager")

    start = base_url + board.get_absolute_url()
    queue = deque([start])
    seen = {start}
    shapes: Counter[str] = Counter()
    visited: list[str] = []
    problems: list[str] = []

    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        path = urlsplit(url).path
        if shapes[shape(path)] >= PAGES_PER_SHAPE:
            continue
        shapes[shape(path)] += 1
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        console_errors.clear()
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        visited.append(url)
        if response.status != 200:
            problems.append(f"{url}: answered {response.status} to a link a manager can follow")
        # Before axe runs: injecting axe.min.js is itself refused by our CSP (see axe.py).
        network.settle(page)
        if console_errors:
            problems.append(f"{url}: console errors: {console_errors[:3]}")
        if page.locator('link[rel="icon"]').count() != 1:
            problems.append(f"{url}: no favicon link")
        crumbs = page.locator(".govuk-breadcrumbs__link").all_inner_texts()
        # A published annual report is a public page, outside the signed-in service: no breadcrumbs into it.
        outside_service = path.startswith(("/accounts/", "/annual-reports/published/"))
        if path not in TOP_LEVEL and not outside_service and crumbs[:1] != ["My boards"]:
            problems.append(f"{url}: breadcrumbs do not start at My boards: {crumbs}")
        breakers = page.evaluate(_WORD_BREAKERS)
        if breakers:
            problems.append(f"{url}: words may break inside: {breakers}")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate(_OVERFLOW)
            if overflow["scrollWidth"] > overflow["width"]:
                problems.append(
                    f"{url} at {width} px: scrolls sideways ({overflow['scrollWidth']} > {overflow['width']}): "
                    + ", ".join(overflow["culprits"])
                )
            broken_words = page.evaluate(_BROKEN_WORDS)
            if broken_words:
                problems.append(f"{url} at {width} px: words broken inside: {broken_words}")
            tags_outside = page.evaluate(_TAGS_OUTSIDE_CELLS)
            if tags_outside:
                problems.append(f"{url} at {width} px: tags overflow their cells: {tags_outside}")
            violations = axe_violations(page)
            if violations:
                problems.append(f"at {width} px: " + format_violations(violations, url))
        for link in same_origin_links(page, base_url):
            if link not in seen:
                seen.add(link)
                queue.append(link)

    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "crawl-pages.txt").write_text("\n".join(visited) + "\n", encoding="utf-8")
    (ARTIFACTS / "crawl-problems.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    # The crawl must have reached the board's main pages, or it checked nothing much.
    visited_shapes = {shape(urlsplit(url).path) for url in visited}
    for expected in ("/plans/N/", "/plans/my-actions/", "/reviews/N/", "/meetings/N/", "/plans/N/arrange/"):
        assert expected in visited_shapes, f"the crawl never reached {expected}: {sorted(visited_shapes)}"
    assert len(visited) >= 30, visited
    assert not problems, f"{len(problems)} problem(s) on {len(visited)} pages:\n" + "\n".join(problems)


def test_plan_and_review_pages_fit_at_every_width_with_whole_words_and_tags(browser, live_server):
    """Between 320 and 1366 px, where the plan and review tables switch between cards
    and columns: no sideways scroll, no word broken inside, every RAG tag (such as
    "Blue (complete)") inside its cell."""
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=True):
        call_command("load_demo", verbosity=0)
    board = Board.objects.get(short_name="SSCB")
    plan = board.plans.order_by("pk").first()
    # The peer review's recommendations are answered by actions: RAG tags in its tables.
    review = Review.objects.get(title="Children's Safeguarding Peer Review")
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "manager")
    problems = []
    for path in (plan.get_absolute_url(), review.get_absolute_url(), "/reviews/"):
        page.goto(live_server.url + path)
        assert page.locator("td .govuk-tag").count() > 0, path
        for width in (320, 375, 390, 480, 640, 641, 700, 768, 769, 900, 1023, 1024, 1100, 1280, 1366):
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate(_OVERFLOW)
            if overflow["scrollWidth"] > width:
                problems.append(f"{path} at {width} px scrolls sideways: {overflow['culprits']}")
            for check, what in ((_BROKEN_WORDS, "broken words"), (_TAGS_OUTSIDE_CELLS, "tags outside cells")):
                found = page.evaluate(check)
                if found:
                    problems.append(f"{path} at {width} px: {what}: {found}")
    # The pages people check between meetings, as a phone shows them (390 px), for a
    # person to look at: test-artifacts/phone-*.png.
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in (("plan", plan.get_absolute_url()), ("review", review.get_absolute_url())):
        page.goto(live_server.url + path)
        page.screenshot(path=ARTIFACTS / f"phone-{name}.png", full_page=True)
    context.close()
    # My actions belongs to those who lead actions: the QA chair's list.
    chair = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(chair, live_server.url, "qa.chair")
    chair.goto(live_server.url + "/plans/my-actions/")
    assert chair.locator("li.app-my-action").count() > 0
    overflow = chair.evaluate(_OVERFLOW)
    if overflow["scrollWidth"] > 390:
        problems.append(f"My actions at 390 px scrolls sideways: {overflow['culprits']}")
    chair.screenshot(path=ARTIFACTS / "phone-my-actions.png", full_page=True)
    chair.context.close()
    assert not problems, "\n".join(problems)
