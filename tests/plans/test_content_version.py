"""Every write that changes what a plan's page shows bumps the plan's content version,
in the same transaction as the write (issue 18 point 2). The cached plan page and the
cached exports are keyed on it, so a write this misses would serve a stale page.

One test per write path: every POST of the plans app (the permission matrix's cases),
imports, bulk writes that send no signals, the ledger, evidence ties, and the rows
outside the plan that its page names (sub-committees, leads' names)."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.models import (
    Action,
    BusinessPlan,
    DueDateChange,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    ProgressUpdate,
)
from plans.transfer.importer import ImportConflictError, write_draft
from tests.factories import (
    ActionFactory,
    EvidenceSourceFactory,
    PriorityAreaFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.plans.test_permissions import CASES
from tests.plans.transfer.files import csv_bytes
from tests.plans.transfer.test_bulk_update import draft_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def version(plan: BusinessPlan) -> int:
    return BusinessPlan.objects.values_list("content_version", flat=True).get(pk=plan.pk)


WRITES = [case for case in CASES if case.method == "post" and case.name != "start a plan"]
WRITES_BY_NAME = {case.name: case for case in WRITES}


@pytest.mark.parametrize("case", WRITES, ids=lambda c: c.name)
def test_every_write_of_the_plans_views_bumps_the_plan(client, people, own, other, case):
    own.led.rag = "amber"
    own.led.save()  # a saved change to revert
    if case.prepare:
        case.prepare(own)
    if case.name == "move a priority area down":  # the only area is last: give it one to pass
        PriorityAreaFactory(plan=own.plan, number=2)
    client.force_login(people.manager)
    if case.name == "restore the plan":  # only an archived plan is restored
        assert client.post(WRITES_BY_NAME["archive the plan"].url(own)).status_code == 302
    for obj in (own.plan, own.area, own.objective, own.led, own.unled, own.measure, own.request):
        obj.refresh_from_db()
    before, other_before = version(own.plan), version(other.plan)
    response = client.post(case.url(own), case.data(own))
    assert response.status_code == 302, response.content.decode()[:2000]
    if case.name == "revise an approved plan":
        # A revision is a new plan (its own version); the plan in force is unchanged.
        revision = BusinessPlan.objects.get(revision_of=own.plan)
        assert version(revision) >= 1
        assert version(own.plan) == before
    else:
        assert version(own.plan) > before
    assert version(other.plan) == other_before  # another plan's cached page stays valid


def test_approving_a_revision_bumps_the_plan_it_archives_and_the_revision(client, people, own):
    client.force_login(people.manager)
    client.post(WRITES_BY_NAME["revise an approved plan"].url(own))
    revision = BusinessPlan.objects.get(revision_of=own.plan)
    before, revision_before = version(own.plan), version(revision)
    response = client.post(f"/plans/{revision.pk}/approve/")
    assert response.status_code == 302
    assert version(own.plan) > before
    assert version(revision) > revision_before


def test_a_refused_write_does_not_bump(client, people, own):
    before = version(own.plan)
    client.force_login(people.member)
    response = client.post(WRITES_BY_NAME["edit action"].url(own), WRITES_BY_NAME["edit action"].data(own))
    assert response.status_code == 403
    assert version(own.plan) == before


ROWS = [
    [
        "Priority Area 1 – Child Protection",
        "1.1 Children are safe",
        "Audit",
        "Publish the audit",
        "QA",
        "Jan 2027",
        "",
        "",
    ]
]


def test_an_import_into_the_plan_bumps_it(people, own):
    """Imports insert with bulk_create_with_history: no post_save signals."""
    draft = draft_for("add.csv", csv_bytes(ROWS), own.plan)
    assert draft["error_count"] == 0, draft["issues"]
    before = version(own.plan)
    write_draft(draft, user=people.manager, board=people.board, plan=own.plan)
    assert version(own.plan) > before


def test_a_bulk_update_import_bumps_the_plan(people, own):
    from tests.plans.transfer.test_bulk_update import edited_xlsx

    def edit(row):
        if row["Reference"].value == f"A-{own.unled.pk}":
            row["RAG"].value = "Red"

    draft = draft_for("plan.xlsx", edited_xlsx(own.plan, edit), own.plan)
    assert draft["updates"], draft["issues"]
    before = version(own.plan)
    write_draft(draft, user=people.manager, board=people.board, plan=own.plan)
    assert version(own.plan) > before


def test_an_import_refused_in_its_transaction_leaves_the_version(people, own):
    """The bump is part of the writing transaction: a write rolled back takes it back too."""
    draft = draft_for("add.csv", csv_bytes(ROWS), own.plan)
    BusinessPlan.objects.filter(pk=own.plan.pk).update(status="archived")
    before = version(own.plan)
    with pytest.raises(ImportConflictError):
        write_draft(draft, user=people.manager, board=people.board, plan=own.plan)
    assert version(own.plan) == before


@pytest.mark.parametrize(
    "model, field, rows",
    [
        (PriorityArea, "title", lambda b: PriorityArea.objects.filter(plan=b.plan)),
        (Objective, "description", lambda b: Objective.objects.filter(priority_area=b.area)),
        (EvidenceSource, "text", lambda b: EvidenceSource.objects.filter(objective=b.objective)),
        (Measure, "description", lambda b: Measure.objects.filter(objective=b.objective)),
        (Action, "description", lambda b: Action.objects.filter(objective=b.objective)),
        (ProgressUpdate, "text", lambda b: ProgressUpdate.objects.filter(action=b.led)),
        (DueDateChange, "reason", lambda b: DueDateChange.objects.filter(action=b.unled)),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_a_queryset_update_bumps_the_plan_in_one_statement(own, other, model, field, rows):
    """QuerySet.update sends no signal and writes no history (FIELD-NOTES): it bumps itself."""
    EvidenceSourceFactory(objective=own.objective)
    before, other_before = version(own.plan), version(other.plan)
    with CaptureQueriesContext(connection) as queries:
        updated = rows(own).update(**{field: Concat(F(field), Value(" (bulk)"))})
    assert updated >= 1
    assert version(own.plan) == before + 1
    assert version(other.plan) == other_before
    # The bump is one UPDATE with a subquery, whatever the number of rows.
    assert len([q for q in queries if q["sql"].startswith("UPDATE")]) == 2


def test_moving_actions_to_another_plan_by_update_bumps_both(own, other):
    before, other_before = version(own.plan), version(other.plan)
    Action.objects.filter(pk=own.unled.pk).update(objective=other.objective, position=9)
    assert version(own.plan) > before
    assert version(other.plan) > other_before


def test_a_plan_queryset_update_bumps_those_plans(own, other):
    before, other_before = version(own.plan), version(other.plan)
    BusinessPlan.objects.filter(pk=own.plan.pk).update(title="Renamed in bulk")
    assert version(own.plan) == before + 1
    assert version(other.plan) == other_before


def test_bulk_create_and_bulk_update_bump_the_plan(people, own):
    before = version(own.plan)
    ProgressUpdate.objects.bulk_create([ProgressUpdate(action=own.led, text="Bulk note")])
    after_create = version(own.plan)
    assert after_create > before
    own.led.description = "Bulk-updated action"
    Action.objects.bulk_update([own.led], ["description"])
    assert version(own.plan) > after_create


def test_simple_history_bulk_helpers_bump_the_plan(people, own):
    before = version(own.plan)
    bulk_create_with_history([ProgressUpdate(action=own.unled, text="With history")], ProgressUpdate)
    middle = version(own.plan)
    assert middle > before
    own.unled.description = "Updated with history"
    bulk_update_with_history([own.unled], Action, ["description"])
    assert version(own.plan) > middle


def test_a_queryset_delete_bumps_the_plan(own):
    ProgressUpdateFactory(action=own.unled, text="To go")
    before = version(own.plan)
    ProgressUpdate.objects.filter(action=own.unled).delete()
    assert version(own.plan) > before


def test_a_progress_note_saved_anywhere_bumps_the_plan(own):
    """e.g. meetings' and reviews' writes into a plan go through save(): the signal sees them."""
    before = version(own.plan)
    ProgressUpdateFactory(action=own.led, text="From elsewhere")
    assert version(own.plan) > before


def test_an_action_added_from_elsewhere_bumps_the_plan(own):
    before = version(own.plan)
    ActionFactory(objective=own.objective, position=7, description="Arising from a meeting")
    assert version(own.plan) > before


def test_a_due_date_ledger_entry_bumps_the_plan(people, own):
    """The plan page's "Originally …" comes from the ledger."""
    before = version(own.plan)
    DueDateChange.objects.create(
        action=own.led,
        kind=DueDateChange.Kind.CHANGED,
        old_due_date=own.led.due_date,
        new_due_date=datetime.date(2027, 6, 30),
        reason="Partner delay",
        made_by=people.manager,
    )
    assert version(own.plan) > before


@pytest.mark.parametrize("side", ["evidence", "action"])
def test_tying_evidence_to_actions_bumps_the_plan(own, side):
    source = EvidenceSourceFactory(objective=own.objective)
    before = version(own.plan)
    if side == "evidence":
        source.actions.add(own.led)
    else:
        own.led.evidence_sources.add(source)
    tied = version(own.plan)
    assert tied > before
    source.actions.clear()
    assert version(own.plan) > tied


def test_renaming_or_removing_a_sub_committee_bumps_the_board_s_plans(own, other):
    sub_committee = own.led.lead_sub_committee
    before, other_before = version(own.plan), version(other.plan)
    sub_committee.name = "Renamed Sub-committee"
    sub_committee.save()
    renamed = version(own.plan)
    assert renamed > before
    sub_committee.delete()
    assert version(own.plan) > renamed
    assert version(other.plan) == other_before


def test_renaming_a_lead_bumps_their_plans_but_signing_in_does_not(client, own, other):
    lead = UserFactory(first_name="Ann", last_name="Lead")
    Action.objects.filter(pk=own.unled.pk).update(responsible=lead)
    before, other_before = version(own.plan), version(other.plan)
    client.force_login(lead)  # saves last_login only
    lead.refresh_from_db()
    assert version(own.plan) == before
    lead.last_name = "Leader"
    lead.save()
    assert version(own.plan) > before
    assert version(other.plan) == other_before
    renamed = version(own.plan)
    lead.delete()  # clears them as lead without a signal per action
    assert version(own.plan) > renamed


def test_a_stale_copy_of_the_plan_never_sets_the_version_back(own):
    stale = BusinessPlan.objects.get(pk=own.plan.pk)
    ProgressUpdateFactory(action=own.led, text="Newer")
    bumped = version(own.plan)
    stale.title = "Saved from a stale copy"
    stale.save()
    assert version(own.plan) == bumped + 1
    assert stale.content_version == bumped + 1  # read again after the save


@pytest.mark.django_db(transaction=True)
def test_the_bump_commits_with_the_write_and_not_before(people):
    """Another connection sees the old version until the write commits, then both together."""
    from tests.plans.conftest import make_board_plan

    own = make_board_plan(people.board, chair=people.chair)
    before = version(own.plan)
    seen: dict[str, tuple[int, int]] = {}

    def look(label: str) -> None:
        try:
            notes = ProgressUpdate.objects.filter(action=own.led, text="Committed together").count()
            seen[label] = (version(own.plan), notes)
        finally:
            connection.close()

    with transaction.atomic():
        ProgressUpdate.objects.create(action=own.led, text="Committed together")
        thread = threading.Thread(target=look, args=["inside"])
        thread.start()
        thread.join()
    thread = threading.Thread(target=look, args=["after"])
    thread.start()
    thread.join()
    assert seen["inside"] == (before, 0)
    assert seen["after"] == (before + 1, 1)
