"""The due-date ledger and complete ⇔ blue, step 2 of 3: the data.

1. DueDateChange becomes an append-only ledger: each request, decision, manager's change,
   revert and bulk import is its own entry (kind, who, when). Existing rows are converted:
   a request stays a request, and a decided one gains a decision entry pointing at it; a
   change a manager approved for themself (requester = decider) is a manager's change.
   Action.original_due_date goes: the first due date is read from the ledger.
2. Status and RAG agree: complete actions are rated blue, and blue on an action that is not
   complete becomes "not rated" (the status decides, as plans.editing.consistent_status_rag
   does for imports); then a check constraint keeps it so.

The data steps use QuerySet.update/bulk_create, so they add no simple-history rows: a
migration fixes data that broke a rule, it is not anyone's edit.
"""

from django.db import migrations


def convert_to_ledger(apps, schema_editor):
    DueDateChange = apps.get_model("plans", "DueDateChange")
    decisions = []
    for change in DueDateChange.objects.order_by("requested_at", "pk").iterator():
        change.made_by_id = change.requested_by_id
        change.made_at = change.requested_at
        if change.status == "requested":
            change.kind = "requested"
        elif change.status == "approved" and change.decided_by_id == change.requested_by_id:
            change.kind = "changed"  # a manager's own change, approved in the same step
        else:
            change.kind = "requested"
            approved = change.status == "approved"
            decisions.append(
                DueDateChange(
                    action_id=change.action_id,
                    kind="approved" if approved else "refused",
                    old_due_date=change.old_due_date,
                    new_due_date=change.new_due_date if approved else change.old_due_date,
                    reason="",
                    made_by_id=change.decided_by_id,
                    # Never before its request, so the ledger reads in order.
                    made_at=max(change.decided_at or change.requested_at, change.requested_at),
                    request_id=change.pk,
                    # Filled so the old columns' constraints hold until they are dropped.
                    status="approved" if approved else "refused",
                    requested_at=change.decided_at or change.requested_at,
                )
            )
        change.save(update_fields=["made_by", "made_at", "kind"])
    DueDateChange.objects.bulk_create(decisions)


def status_and_rag_agree(apps, schema_editor):
    Action = apps.get_model("plans", "Action")
    Action.objects.filter(status="complete").exclude(rag="blue").update(rag="blue")
    Action.objects.filter(rag="blue").exclude(status="complete").update(rag="")


class Migration(migrations.Migration):
    dependencies = [("plans", "0009_due_date_ledger_fields")]

    operations = [
        migrations.RunPython(convert_to_ledger, migrations.RunPython.noop),
        migrations.RunPython(status_and_rag_agree, migrations.RunPython.noop),
    ]
