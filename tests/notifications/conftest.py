import datetime

import pytest
import time_machine

TODAY = datetime.date(2026, 11, 23)


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
