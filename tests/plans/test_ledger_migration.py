"""Migrations 0009–0011 turn the old due-date rows into ledger entries and make existing
actions' status and RAG agree before the check constraint is added."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import ActionFactory, UserFactory

BEFORE = [("plans", "0008_importjob_sent_to_worker_at")]
AFTER = [("plans", "0011_due_date_ledger_constraints")]
DEC, MAR, JUN = datetime.date(2026, 12, 31), datetime.date(2027, 3, 31), datetime.date(2027, 6, 30)


@pytest.mark.django_db(transaction=True)
def test_old_rows_become_ledger_entries_and_contradictions_are_fixed(restore_migrated_database):
    # Made with today's models before going back: later fields (the plan's content version)
    # are not in the old tables, and going back keeps these rows.
    chair, manager = UserFactory(), UserFactory()
    asked, mine, refused = (ActionFactory(due_date=DEC) for _ in range(3))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old_action_model = old.get_model("plans", "Action")
    old_change_model = old.get_model("plans", "DueDateChange")
    now = timezone.now()
    old_change_model.objects.create(
        action_id=asked.pk,
        old_due_date=DEC,
        new_due_date=MAR,
        reason="Please",
        status="approved",
        requested_by_id=chair.pk,
        decided_by_id=manager.pk,
        decided_at=now,
    )
    old_change_model.objects.create(
        action_id=mine.pk,
        old_due_date=DEC,
        new_due_date=JUN,
        reason="Board agreed",
        status="approved",
        requested_by_id=manager.pk,
        decided_by_id=manager.pk,
        decided_at=now,
    )
    old_change_model.objects.create(
        action_id=refused.pk,
        old_due_date=DEC,
        new_due_date=MAR,
        reason="Later",
        status="refused",
        requested_by_id=chair.pk,
        decided_by_id=manager.pk,
        decided_at=now,
    )
    old_change_model.objects.create(
        action_id=refused.pk,
        old_due_date=DEC,
        new_due_date=JUN,
        reason="Again",
        status="requested",
        requested_by_id=chair.pk,
    )
    # Contradictions the constraint will forbid: complete but green, open but blue.
    old_action_model.objects.filter(pk=asked.pk).update(status="complete", rag="green", completed_on=DEC)
    old_action_model.objects.filter(pk=mine.pk).update(status="in_progress", rag="blue")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    action_model = new.get_model("plans", "Action")
    change_model = new.get_model("plans", "DueDateChange")

    def entries(action):
        return list(
            change_model.objects.filter(action_id=action.pk)
            .order_by("made_at", "pk")
            .values_list("kind", "old_due_date", "new_due_date", "made_by_id", "request__reason")
        )

    assert entries(asked) == [
        ("requested", DEC, MAR, chair.pk, None),
        ("approved", DEC, MAR, manager.pk, "Please"),
    ]
    assert entries(mine) == [("changed", DEC, JUN, manager.pk, None)]
    assert entries(refused) == [
        ("requested", DEC, MAR, chair.pk, None),
        ("refused", DEC, DEC, manager.pk, "Later"),
        ("requested", DEC, JUN, chair.pk, None),
    ]
    assert action_model.objects.get(pk=asked.pk).rag == "blue"
    assert action_model.objects.get(pk=mine.pk).rag == ""
