from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from plans.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo partnerships, boards, users and the Sunderland SSCB Business Plan 2011–2013. "
        "Idempotent. Dates move by whole years so the plan is current, unless --original-dates."
    )

    def add_arguments(self, parser):
        parser.add_argument("--original-dates", action="store_true", help="Keep the seed's 2011–2013 dates.")
        parser.add_argument(
            "--allow-production", action="store_true", help="Load even with DEBUG off (creates demo logins)."
        )

    def handle(self, *args, original_dates: bool, allow_production: bool, **options):
        if not settings.DEMO_DATA_ALLOWED and not allow_production:
            raise CommandError(
                "Refusing to create demo logins on a live site (DEBUG is off); pass --allow-production."
            )
        report = load_demo(timezone.localdate(), original_dates=original_dates)
        shift = (
            "kept the seed's dates" if original_dates else f"moved dates forward {report.year_shift} years"
        )
        self.stdout.write(f"Demo data loaded ({report.written} rows written; {shift}).")
        self.stdout.write(", ".join(f"{n} {name}" for name, n in report.counts.items()))
        self.stdout.write("\nDemo logins (for this installation only):")
        width = max(len(u) for u, _, _ in report.logins)
        for username, password, roles in report.logins:
            self.stdout.write(f"  {username:<{width}}  {password}  {roles}")
