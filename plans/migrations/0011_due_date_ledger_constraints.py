"""The due-date ledger and complete ⇔ blue, step 3 of 3: old columns go, constraints come."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("plans", "0010_due_date_ledger_entries")]

    operations = [
        migrations.RemoveField(model_name="duedatechange", name="status"),
        migrations.RemoveField(model_name="duedatechange", name="requested_by"),
        migrations.RemoveField(model_name="duedatechange", name="requested_at"),
        migrations.RemoveField(model_name="duedatechange", name="decided_by"),
        migrations.RemoveField(model_name="duedatechange", name="decided_at"),
        migrations.AlterField(
            model_name="duedatechange",
            name="new_due_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="duedatechange",
            name="reason",
            field=models.TextField(blank=True, max_length=2000),
        ),
        migrations.AlterModelOptions(name="duedatechange", options={"ordering": ["action", "made_at", "pk"]}),
        migrations.AddConstraint(
            model_name="duedatechange",
            constraint=models.CheckConstraint(
                condition=Q(kind__in=["requested", "approved", "refused", "changed", "reverted", "imported"]),
                name="due_date_change_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="duedatechange",
            constraint=models.CheckConstraint(
                condition=~Q(kind__in=["requested", "changed"]) | ~Q(reason=""),
                name="due_date_change_reason_when_asked_or_changed",
            ),
        ),
        migrations.AddConstraint(
            model_name="duedatechange",
            constraint=models.CheckConstraint(
                condition=~Q(kind__in=["requested", "approved", "changed"]) | Q(new_due_date__isnull=False),
                name="due_date_change_new_date_when_asked",
            ),
        ),
        migrations.AddConstraint(
            model_name="duedatechange",
            constraint=models.CheckConstraint(
                condition=Q(kind__in=["approved", "refused"], request__isnull=False)
                | (~Q(kind__in=["approved", "refused"]) & Q(request__isnull=True)),
                name="due_date_change_decision_names_its_request",
            ),
        ),
        migrations.AddConstraint(
            model_name="duedatechange",
            constraint=models.CheckConstraint(
                condition=Q(kind="reverted") | Q(reverses__isnull=True),
                name="due_date_change_only_a_revert_reverses",
            ),
        ),
        migrations.AddIndex(
            model_name="duedatechange",
            index=models.Index(fields=["kind", "made_at"], name="due_date_change_kind_when_idx"),
        ),
        # Ledger entries are never changed, so they need no change history of their own.
        migrations.DeleteModel(name="HistoricalDueDateChange"),
        migrations.RemoveField(model_name="action", name="original_due_date"),
        migrations.RemoveField(model_name="historicalaction", name="original_due_date"),
        # --- 2. complete ⇔ blue ---
        migrations.AddConstraint(
            model_name="action",
            constraint=models.CheckConstraint(
                condition=Q(status="complete", rag="blue") | (~Q(status="complete") & ~Q(rag="blue")),
                name="action_complete_if_and_only_if_blue",
            ),
        ),
    ]
