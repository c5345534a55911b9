import datetime

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from boards.models import Role
from tests.celery_worker import running_worker
from tests.factories import MembershipFactory, SubCommitteeFactory, UserFactory
from tests.notifications.factories import action_on
from tests.notifications.worker_helpers import Mailbox, free_port

TODAY = datetime.date(2026, 11, 23)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def frozen_today():
    """Every reminder test runs on Monday 23 November 2026, 08:00 London time."""
    with time_machine.travel(datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield TODAY


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.SITE_URL = "https://planner.example.org"
    settings.REMINDER_DUE_SOON_DAYS = 14
    settings.REMINDER_ESCALATE_MANAGERS_DAYS = 28
    settings.REMINDER_ESCALATE_CHAIR_DAYS = 56
    settings.REMINDER_NO_PROGRESS_DAYS = 90
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_EMAIL_MAX_ACTIONS = 50


# --- Real worker and SMTP server (test_worker*.py) -----------------------------------


@pytest.fixture(scope="module")
def smtp_server():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "EMAIL_TIMEOUT": "10",
        "SITE_URL": "https://planner.example.org",
        "REMINDER_RETRY_BACKOFF_SECONDS": "1",
    }
    yield box
    box.hold.clear()
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """The module's SMTP server, emptied for each test."""
    smtp_server.messages.clear()
    smtp_server.hold.clear()
    smtp_server.held.clear()
    smtp_server.refuse = 0
    return smtp_server


@pytest.fixture(scope="module")
def worker(django_db_setup, smtp_server):
    """One worker for the tests that do not kill it: starting one takes seconds."""
    with running_worker(concurrency=2, extra_env=smtp_server.env) as process:
        yield process


@pytest.fixture
def leads(people):
    """Three leads with overdue actions: a member with two, a sub-committee chair with one,
    and a second member with one; plus one lead who left the board (no e-mail)."""
    today = timezone.localdate()
    committee = SubCommitteeFactory(board=people.board, chair=people.chair)
    second = UserFactory(username="second-member")
    MembershipFactory(user=second, board=people.board, role=Role.MEMBER)
    former = UserFactory(username="former-member")
    actions = {
        people.member.email: [
            action_on(people.board, responsible=people.member, due_date=today - 3 * DAY),
            action_on(people.board, responsible=people.member, due_date=today - 5 * DAY),
        ],
        people.chair.email: [action_on(people.board, lead_sub_committee=committee, due_date=today - DAY)],
        second.email: [action_on(people.board, responsible=second, due_date=today - 2 * DAY)],
    }
    action_on(people.board, responsible=former, due_date=today - DAY)
    return actions
