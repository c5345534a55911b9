"""The due-date ledger and complete ⇔ blue, step 1 of 3: the ledger's new columns.

See 0010 for what the three steps do; they are separate migrations so each data step
commits before the tables it wrote are altered (PostgreSQL refuses ALTER TABLE with
pending deferred-constraint events in the same transaction)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0008_importjob_sent_to_worker_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # --- 1. the ledger ---
        migrations.AddField(
            model_name="duedatechange",
            name="kind",
            field=models.CharField(
                choices=[
                    ("requested", "Requested"),
                    ("approved", "Request approved"),
                    ("refused", "Request refused"),
                    ("changed", "Changed by a manager"),
                    ("reverted", "Reverted from the history"),
                    ("imported", "Changed by a bulk import"),
                ],
                default="requested",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="duedatechange",
            name="made_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="duedatechange",
            name="made_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="duedatechange",
            name="request",
            field=models.OneToOneField(
                blank=True,
                help_text="For an approval or refusal: the request it decides (one decision per request).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decision",
                to="plans.duedatechange",
            ),
        ),
        migrations.AddField(
            model_name="duedatechange",
            name="reverses",
            field=models.OneToOneField(
                blank=True,
                help_text="For a revert: the entry whose move it undoes.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reversal",
                to="plans.duedatechange",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="duedatechange", name="due_date_change_one_open_request_per_action"
        ),
        # The old rules would refuse the decision entries step 2 adds (no reason of their own).
        migrations.RemoveConstraint(model_name="duedatechange", name="due_date_change_status_valid"),
        migrations.RemoveConstraint(model_name="duedatechange", name="due_date_change_reason_not_empty"),
    ]
