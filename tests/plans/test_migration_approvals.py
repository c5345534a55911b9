"""Migration plans.0006: plans approved before approvals were recorded take who and when
from the history row where they became approved; drafts stay drafts, unapproved."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("plans", "0005_import_files_overrides_and_purge"), ("meetings", "0002_meeting_feed_tokens")]
AFTER = [("plans", "0006_plan_approval_and_revisions")]


@pytest.mark.django_db(transaction=True)
def test_existing_approved_plans_get_their_approval_from_history(restore_migrated_database):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Partnership = old.get_model("boards", "Partnership")
    Board = old.get_model("boards", "Board")
    User = old.get_model("auth", "User")
    plan_model = old.get_model("plans", "BusinessPlan")
    history_model = old.get_model("plans", "HistoricalBusinessPlan")
    partnership = Partnership.objects.create(name="Sunderland", slug="sunderland")
    board = Board.objects.create(
        partnership=partnership, name="SSCB", short_name="SSCB", slug="sscb", kind="lscb"
    )
    manager = User.objects.create(username="manager")
    fields = {
        "board": board,
        "period_start": datetime.date(2026, 4, 1),
        "period_end": datetime.date(2027, 3, 31),
    }
    approved = plan_model.objects.create(title="Approved", status="approved", **fields)
    draft = plan_model.objects.create(title="Draft", status="draft", **fields)
    unrecorded = plan_model.objects.create(title="Approved, no history", status="approved", **fields)
    became = datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC)
    for plan, status, when in (
        (approved, "draft", datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)),
        (approved, "approved", became),
        (approved, "approved", datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)),  # an edit
    ):
        history_model.objects.create(
            id=plan.pk,
            board_id=board.pk,
            title=plan.title,
            period_start=plan.period_start,
            period_end=plan.period_end,
            status=status,
            version=1,
            history_date=when,
            history_type="~",
            history_user=manager,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("plans", "BusinessPlan")
    approved, draft, unrecorded = (new.objects.get(pk=p.pk) for p in (approved, draft, unrecorded))
    assert (approved.approved_at, approved.approved_by_id) == (became, manager.pk)
    assert approved.approval_note.startswith("Approved before approvals were recorded")
    assert (draft.status, draft.approved_at, draft.approved_by_id) == ("draft", None, None)
    assert unrecorded.approved_at is not None and unrecorded.approved_by_id is None
    assert (approved.revision_number, approved.revision_of_id) == (1, None)
