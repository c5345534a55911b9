"""Issue 13, "Draft plans never leak": on the demo data, with a draft revision of the SSCB
plan started (a draft copy of every one of its actions, with leads, due dates, overdue
ones among them) beside the demo's own draft (Stockton's improvement plan), no draft
action appears in any output: My actions, reminders and digests, calendar feeds, board
packs, review "Link an action" lists, meeting "actions arising" pickers, or the counts
on the board page. Each check also sees the approved actions it should, so that it
cannot pass by showing nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from boards.models import Board, Role
from meetings.forms import ActionArisingForm
from meetings.models import AgendaItem
from notifications.feeds import feed
from notifications.selection import JOBS
from packs.gather import all_actions, gather_snapshot
from packs.periods import recent_quarters
from packs.rendering import render_print_html
from packs.sections import build_sections
from plans.approval import start_revision
from plans.models import Action, BusinessPlan, Objective, PlanStatus
from reviews.forms import LinkActionForm
from reviews.models import Recommendation
from tests.once import rolled_back_afterwards

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def draft_action_ids() -> set[int]:
    return set(
        Action.objects.filter(objective__priority_area__plan__status=PlanStatus.DRAFT).values_list(
            "pk", flat=True
        )
    )


class TestTheDemoWithDrafts:
    """These tests share one load_demo and revision (tests/once.py): each runs in a savepoint
    inside the class's transaction, rolled back after it."""

    @pytest.fixture(scope="class")
    @classmethod
    def loaded_demo_with_drafts(cls, django_db_setup, django_db_blocker):
        with rolled_back_afterwards(django_db_blocker):
            with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
                call_command("load_demo")
                sscb_plan = BusinessPlan.objects.get(
                    board__slug="sunderland-sscb", status=PlanStatus.APPROVED
                )
                manager = sscb_plan.board.memberships.filter(role=Role.MANAGER).first().user
                start_revision(sscb_plan.pk, manager, lambda plan: True)
            yield

    @pytest.fixture
    def demo_with_drafts(self, loaded_demo_with_drafts):
        with time_machine.travel(NOW, tick=False):
            yield

    def test_no_draft_action_appears_in_any_output(self, client, demo_with_drafts):
        drafts = draft_action_ids()
        in_force = set(Action.objects.in_force().values_list("pk", flat=True))
        boards_with_drafts = set(
            BusinessPlan.objects.filter(status=PlanStatus.DRAFT).values_list("board__slug", flat=True)
        )
        # Both drafts are there: the SSCB revision and Stockton's improvement plan.
        assert len(drafts) > 45  # the 45 copies of the SSCB plan and Stockton's own
        assert {"sunderland-sscb"} < boards_with_drafts
        users = list(get_user_model().objects.filter(memberships__isnull=False).distinct())

        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
            # My actions, for every demo user.
            shown_in_my_actions = set()
            for user in users:
                client.force_login(user)
                page = client.get(reverse("plans:my_actions")).text
                for pk in drafts:
                    assert f"/plans/actions/{pk}/" not in page, f"draft action {pk} in {user}'s My actions"
                shown_in_my_actions |= {pk for pk in in_force if f"/plans/actions/{pk}/" in page}
            assert shown_in_my_actions, "My actions showed nothing at all"

            # Reminders and digests: every job, every batch.
            reminded = set()
            for name, job in JOBS.items():
                for batch in job(TODAY):
                    # A digest's "recommendations_without_action" lists recommendations, not actions.
                    ids = set(batch.action_ids) | {
                        pk
                        for section, pks in batch.sections.items()
                        if section != "recommendations_without_action"
                        for pk in pks
                    }
                    assert not ids & drafts, f"{name} reminds of draft actions {ids & drafts}"
                    reminded |= ids & in_force
            assert reminded, "no reminder at all"

            # Calendar feeds.
            in_feeds = set()
            for user in users:
                body = feed(user).decode()
                for pk in drafts:
                    assert f"action-{pk}@" not in body, f"draft action {pk} in {user}'s calendar feed"
                in_feeds |= {pk for pk in in_force if f"action-{pk}@" in body}
            assert in_feeds, "the calendar feeds showed nothing at all"

            # Board packs: every board's pack for the last complete quarter, the snapshot
            # (Plans covered, exception report, due next quarter, RAG summary, reviews)
            # and the HTML drawn from it.
            period = recent_quarters(TODAY)[1]
            draft_texts = set(
                Action.objects.filter(pk__in=drafts)
                .exclude(description__in=Action.objects.in_force().values("description"))
                .values_list("description", flat=True)
            )
            assert draft_texts, "Stockton's draft has actions of its own words"
            in_packs = set()
            for board in Board.objects.all():
                snapshot = gather_snapshot(board, period, as_of=TODAY)
                pack_ids = {action["id"] for action in all_actions(snapshot)}
                review_ids = {
                    action["id"]
                    for review in snapshot["reviews"]
                    for rec in review["recommendations"]
                    for action in rec["actions"]
                }
                earlier = snapshot.get("earlier_meetings") or {}
                arising_ids = {action["action_id"] for action in earlier.get("open_actions_arising", [])}
                assert not (pack_ids | review_ids | arising_ids) & drafts, f"{board} pack shows draft actions"
                assert {plan["id"] for plan in snapshot["plan"]["plans"]} <= set(
                    BusinessPlan.objects.in_force().values_list("pk", flat=True)
                )
                html = render_print_html(period, snapshot, build_sections(board, period, snapshot))
                for text in draft_texts:
                    assert text[:60] not in html, f"{board} pack prints draft action {text[:60]!r}"
                in_packs |= pack_ids
            assert in_packs & in_force, "no pack showed any action"

            # Review "Link an action" lists.
            for recommendation in Recommendation.objects.select_related("review"):
                offered = set(
                    LinkActionForm(recommendation=recommendation)
                    .fields["action"]
                    .queryset.values_list("pk", flat=True)
                )
                assert not offered & drafts, f"recommendation {recommendation.pk} offers draft actions"

            # Meeting "actions arising" pickers: only objectives of plans in force.
            draft_objectives = set(
                Objective.objects.filter(priority_area__plan__status=PlanStatus.DRAFT).values_list(
                    "pk", flat=True
                )
            )
            offered_objectives = set()
            for item in AgendaItem.objects.select_related("meeting__board"):
                choices = set(
                    ActionArisingForm(agenda_item=item)
                    .fields["objective"]
                    .queryset.values_list("pk", flat=True)
                )
                assert not choices & draft_objectives, f"agenda item {item.pk} offers a draft's objectives"
                offered_objectives |= choices
            assert offered_objectives, "no picker offered any objective"

            # Plan-level counts on the board page: the SSCB's approved plan counts exactly its
            # own actions; the draft revision is listed, tagged, and not counted.
            sscb = Board.objects.get(slug="sunderland-sscb")
            client.force_login(sscb.memberships.filter(role=Role.MANAGER).first().user)
            page = client.get(sscb.get_absolute_url()).text
            approved = BusinessPlan.objects.get(board=sscb, status=PlanStatus.APPROVED)
            count = Action.objects.in_force().filter(objective__priority_area__plan=approved).count()
            assert f"{count} actions:" in page
            assert page.count("actions:") == BusinessPlan.objects.in_force().filter(board=sscb).count()
            assert "not in force until approved, so its actions are not counted" in page
            assert 'govuk-tag govuk-tag--yellow">Draft' in page

    def test_no_draft_action_in_the_api(self, demo_with_drafts):
        """The REST API and its Power BI feeds, for every demo user with a token for all their
        boards: actions list, each board's feed, and the actions answering each review."""
        from django.test import Client

        from api.models import ApiToken

        drafts = draft_action_ids()
        seen = set()
        users = list(get_user_model().objects.filter(memberships__isnull=False).distinct())
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC), tick=False):
            for user in users:
                boards = list(Board.objects.visible_to(user))
                _, secret = ApiToken.issue(
                    user, name="test", boards=boards, access="read", lifetime=datetime.timedelta(days=1)
                )
                client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
                listed = client.get(reverse("api:actions") + "?page_size=500").json()
                assert listed["next"] is None
                ids = {row["id"] for row in listed["results"]}
                for board in boards:
                    ids |= {
                        row["action_id"]
                        for row in client.get(reverse("api:feed_json", args=[board.slug])).json()
                    }
                for review in client.get(reverse("api:reviews") + "?page_size=500").json()["results"]:
                    detail = client.get(reverse("api:review", args=[review["id"]])).json()
                    ids |= {
                        a["action"]
                        for rec in detail["recommendations"]
                        for a in rec["actions"]
                        if a["action"]
                    }
                assert not ids & drafts, f"draft actions {ids & drafts} in the API for {user}"
                seen |= ids
        assert len(seen) > 45, "the API showed (almost) nothing"
