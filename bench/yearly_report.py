"""Yearly report speed: for a Safeguarding Adults Board with 1,000 actions, 50 meetings and
20 reviews in the year: the seconds and queries of what a manager's "Start the report" waits
for in the web request (the report's row and recipients, the gathering queued: the message
to the worker is held back here), the seconds and queries to assemble the draft (gather the
facts and write the sections: the worker's job, annual_reports.gather) and the seconds to
render it (the PDF, tagged PDF/UA-1 and finished, and the Word file: the worker's job after
approval), with the PDF's pages and the peak memory.

Goals: starting in the request under 0.5 s in a fixed number of queries; assembling and
rendering each well inside the worker tasks' 540 s soft limit.

    .venv/bin/python bench/yearly_report.py     # PostgreSQL database "safeguarding_bench_reports"
"""

from __future__ import annotations

import datetime
import os
import resource
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_reports")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
os.environ.setdefault("AXES_ENABLED", "false")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-reports-"))

ACTIONS, MEETINGS, REVIEWS, MEMBERS = 1000, 50, 20, 12
START_GOAL_S, RENDER_GOAL_S = 0.5, 540.0


def ensure_database() -> None:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build_board():
    """A SAB's year 2026/27: a plan of 1,000 actions led by 8 agencies, 50 meetings with every
    member's attendance, 20 SARs (concluded, ongoing) each with findings, recommendations
    answered by actions and a decision not to implement, and 6 indicators of 12 quarters."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from annual_reports.models import AnnualReport
    from boards.models import Agency, AgencyKind, Board, Membership, Partnership, Role
    from meetings.models import Attendance, AttendanceStatus, Meeting
    from performance.models import Indicator, IndicatorValue
    from plans.models import Action, BusinessPlan, Objective, PriorityArea, Rag, Status
    from reviews.models import (
        Finding,
        NotImplementedDecision,
        Recommendation,
        RecommendationAction,
        Review,
        ReviewKind,
        ReviewReport,
        ReviewStatus,
    )

    partnership, _ = Partnership.objects.get_or_create(
        name="Bench reports", defaults={"slug": "bench-reports"}
    )
    board, _ = Board.objects.get_or_create(
        slug="bench-sab",
        defaults={
            "partnership": partnership,
            "name": "Bench Safeguarding Adults Board",
            "short_name": "BSAB",
            "kind": Board.Kind.SAFEGUARDING_ADULTS_BOARD,
        },
    )
    AnnualReport.objects.filter(board=board).delete()
    Review.objects.filter(partnership=partnership).delete()
    Meeting.objects.filter(board=board).delete()
    BusinessPlan.objects.filter(board=board).delete()
    Indicator.objects.filter(board=board).delete()
    Membership.objects.filter(board=board).delete()
    Agency.objects.filter(partnership=partnership).delete()

    agencies = [
        Agency.objects.create(partnership=partnership, name=f"Agency {i + 1}", kind=AgencyKind.values[i % 8])
        for i in range(8)
    ]
    users = []
    for i in range(MEMBERS):
        user, _ = get_user_model().objects.get_or_create(username=f"bench-sab-{i}")
        users.append(user)
        Membership.objects.create(
            user=user, board=board, role=Role.MANAGER if i == 0 else Role.MEMBER, agency=agencies[i % 8]
        )
    plan = BusinessPlan.objects.create(
        board=board,
        title="Bench strategic plan",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2028, 3, 31),
        status=BusinessPlan.Status.APPROVED,
        approved_at=timezone.now(),
    )
    areas = PriorityArea.objects.bulk_create(
        PriorityArea(plan=plan, number=i + 1, title=f"Priority {i + 1}") for i in range(10)
    )
    objectives = Objective.objects.bulk_create(
        Objective(priority_area=a, number=f"{a.number}.{j + 1}", position=j + 1, description="An objective")
        for a in areas
        for j in range(5)
    )
    statuses = [
        (Status.COMPLETE, Rag.BLUE),
        (Status.IN_PROGRESS, Rag.GREEN),
        (Status.IN_PROGRESS, Rag.AMBER),
        (Status.IN_PROGRESS, Rag.RED),
        (Status.NOT_STARTED, Rag.AMBER),
    ]
    actions = Action.objects.bulk_create(
        Action(
            objective=objectives[i % len(objectives)],
            position=i // len(objectives) + 1,
            description=f"Action {i + 1}: agree and put in place a multi-agency approach to self-neglect",
            lead_role="Chair of the Quality Assurance Sub-group",
            lead_agency=agencies[i % 8],
            due_date=datetime.date(2026, 4, 30) + datetime.timedelta(days=(i * 7) % 330),
            status=statuses[i % 5][0],
            rag=statuses[i % 5][1],
        )
        for i in range(ACTIONS)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            board=board,
            starts_at=timezone.make_aware(datetime.datetime(2026, 4, 6, 14) + datetime.timedelta(days=7 * i)),
            place="Committee Room 1",
        )
        for i in range(MEETINGS)
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            user=user,
            member_name=user.username,
            agency=agencies[j % 8],
            status=AttendanceStatus.values[(i + j) % 4],
        )
        for i, meeting in enumerate(meetings)
        for j, user in enumerate(users)
    )
    for r in range(REVIEWS):
        concluded = r % 2 == 0
        review = Review.objects.create(
            partnership=partnership,
            kind=ReviewKind.SAR,
            title=f"Safeguarding adults review {r + 1}",
            status=ReviewStatus.REPORTED if concluded else ReviewStatus.UNDER_WAY,
            decision_to_review=datetime.date(2026, 1, 10),
            published=datetime.date(2026, 5, 1) + datetime.timedelta(days=15 * r) if concluded else None,
            summary="What the review looked at.",
        )
        ReviewReport.objects.create(review=review, board=board)
        for f in range(5):
            finding = Finding.objects.create(
                review=review, position=f + 1, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text=f"Finding {f + 1}"
            )
            recommendation = Recommendation.objects.create(
                review=review, number=f + 1, text=f"Recommendation {f + 1}", finding=finding
            )
            RecommendationAction.objects.create(
                recommendation=recommendation, action=actions[(r * 5 + f) * 7 % ACTIONS]
            )
        NotImplementedDecision.objects.create(
            review=review,
            finding=finding,
            reason="Already covered by national procedures.",
            decided_on=datetime.date(2027, 1, 12),
        )
    for k in range(6):
        indicator = Indicator.objects.create(board=board, code=f"BI{k}", title=f"Indicator {k}", unit="%")
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                period_start=datetime.date(2024 + (q + 3) // 4, ((q + 3) % 4) * 3 + 1, 1),
                period_end=datetime.date(2024 + (q + 3) // 4, ((q + 3) % 4) * 3 + 1, 28),
                period_label=f"Q{q + 1}",
                value=Decimal(50 + q),
                target=Decimal(60),
            )
            for q in range(12)
        )
    return board, users[0]


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from unittest import mock

    from annual_reports.assembly import start_report
    from annual_reports.gather import twelve_months_from
    from annual_reports.gathering import gather_report
    from annual_reports.models import AnnualReport
    from annual_reports.rendering import print_html, render_docx, render_pdf

    board, manager = build_board()
    year = twelve_months_from(datetime.date(2026, 4, 1))

    with (
        CaptureQueriesContext(connection) as start_queries,
        mock.patch("annual_reports.assembly.dispatch_gathering"),
    ):
        started = time.perf_counter()
        report = start_report(board, year, manager)
        start_s = time.perf_counter() - started
    with CaptureQueriesContext(connection) as queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        gather_report(report.pk)
        assemble_s, assemble_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    report = AnnualReport.objects.select_related("board__partnership").get(pk=report.pk)
    assert report.is_gathered, report.gather_error
    report.status, report.approved_at = "approved", report.started_at

    started_cpu = time.process_time()
    started = time.perf_counter()
    html = print_html(report)
    html_s = time.perf_counter() - started
    started = time.perf_counter()
    pdf, pages = render_pdf(report, html)
    pdf_s = time.perf_counter() - started
    started = time.perf_counter()
    docx = render_docx(report, html)
    docx_s = time.perf_counter() - started
    render_s = html_s + pdf_s + docx_s
    render_cpu = time.process_time() - started_cpu
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"Board: {ACTIONS} actions, {MEETINGS} meetings, {REVIEWS} reviews, {MEMBERS} members of 8 agencies"
    )
    print(f"{'measure':<42}{'figure':>12}{'goal':>14}")
    print(f"{'start the report, in the request (s)':<42}{start_s:>12.2f}{'< ' + str(START_GOAL_S):>14}")
    print(f"{'  queries to start':<42}{len(start_queries):>12}{'fixed':>14}")
    print(
        f"{'assemble the draft, in the worker (s)':<42}{assemble_s:>12.2f}{'< ' + str(int(RENDER_GOAL_S)):>14}"
    )
    print(f"{'  of which CPU in this process (s)':<42}{assemble_cpu:>12.2f}")
    print(f"{'  queries to assemble':<42}{len(queries):>12}{'fixed':>14}")
    print(f"{'render: print HTML (s)':<42}{html_s:>12.2f}")
    print(f"{'render: PDF, PDF/UA finished (s)':<42}{pdf_s:>12.2f}")
    print(f"{'render: Word (s)':<42}{docx_s:>12.2f}")
    print(f"{'render in all (s)':<42}{render_s:>12.2f}{'< ' + str(int(RENDER_GOAL_S)):>14}")
    print(f"{'  of which CPU (s)':<42}{render_cpu:>12.2f}")
    print(f"{'PDF pages':<42}{pages:>12}")
    print(f"{'PDF / Word size (KiB)':<42}{f'{len(pdf) // 1024} / {len(docx) // 1024}':>12}")
    print(f"{'peak memory (MiB)':<42}{peak_mib:>12.0f}")
    print(f"load average: {os.getloadavg()[0]:.1f} (a busy machine stretches wall-clock, not CPU, time)")


if __name__ == "__main__":
    main()
