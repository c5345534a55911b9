"""Run a reminder job once by hand.

python manage.py send_reminders --job overdue --dry-run   # who would get what
python manage.py send_reminders --job all                  # send now, in this process
python manage.py send_reminders --job digest --queue       # hand to the Celery worker
python manage.py send_reminders --catch-up --queue         # at start-up: today's jobs, via the worker

--catch-up is what a freshly started beat runs (see the Procfile): Celery beat never
runs a job whose time passed while it was down, so without it a service (or `make run`)
started after 07:00 would send nothing until the next morning. Each e-mail is claimed
once per recipient, action and day, so the scheduled run later the same day adds nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from boards.models import Board
from notifications import selection
from notifications.selection import Batch
from notifications.tasks import enqueue, fan_out, send_now


def jobs_due_on(day: datetime.date) -> list[str]:
    """The jobs beat runs on ``day``: the daily ones, and the digest on its weekday."""
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    digest_today = settings.REMINDER_DIGEST_DAY.lower()[:3] == weekday
    return [job for job in selection.JOBS if job != "digest" or digest_today]


class Command(BaseCommand):
    help = "Run a reminder job once: overdue, due_soon, escalation, digest or all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--job", choices=[*selection.JOBS, "all"], default="all")
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would get what; claim and send nothing."
        )
        parser.add_argument(
            "--queue", action="store_true", help="Enqueue to the Celery worker instead of sending here."
        )
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--catch-up",
            action="store_true",
            help="Run today's daily jobs, and the digest if today is its day (what beat runs at start-up).",
        )

    def handle(
        self, *args, job: str, dry_run: bool, queue: bool, date: str | None, catch_up: bool, **options
    ) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        jobs = list(selection.JOBS) if job == "all" else [job]
        if catch_up:
            jobs = jobs_due_on(today)
        for name in jobs:
            if dry_run:
                self._list(name, selection.select(name, today))
                continue
            if queue:
                results = fan_out(name, today, enqueue)
            else:
                results = send_now(name, today, on_failure=lambda exc: self.stderr.write(f"  failed: {exc}"))
            if results is None:
                self.stdout.write(f"{name}: another run holds the lock; nothing done.")
            elif queue:
                self.stdout.write(f"{name}: {len(results)} e-mail(s) queued for the worker.")
            else:
                counts = Counter(results)
                self.stdout.write(
                    f"{name}: {counts['sent']} e-mail(s) sent, {counts['skipped']} already sent or "
                    f"nothing left to send, {counts['failed']} failed."
                    + (
                        f" {counts['in_app_only']} in the app only (no e-mail address)."
                        if counts["in_app_only"]
                        else ""
                    )
                )

    def _list(self, job: str, batches: list[Batch]) -> None:
        users = get_user_model().objects.in_bulk({b.recipient_id for b in batches})
        boards = Board.objects.in_bulk({b.board_id for b in batches})
        self.stdout.write(f"{job}: {len(batches)} e-mail(s) would be sent (dry run: nothing claimed or sent)")
        for batch in batches:
            user, board = users[batch.recipient_id], boards[batch.board_id]
            if batch.sections:
                what = ", ".join(
                    f"{len(ids)} {name.replace('_', ' ')}" for name, ids in batch.sections.items() if ids
                )
            else:
                what = f"{len(batch.action_ids)} action(s): " + ", ".join(f"#{pk}" for pk in batch.action_ids)
            self.stdout.write(
                f"  {batch.kind} → {user.get_username()} <{user.email}> [{board.short_name}] {what}"
            )
