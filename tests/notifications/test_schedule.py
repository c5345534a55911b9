"""The beat schedule: one entry per job, times from the environment."""

import importlib

from celery.schedules import crontab

from safeguarding import settings as project_settings


def test_every_job_is_scheduled_once():
    schedule = project_settings.CELERY_BEAT_SCHEDULE
    assert {entry["args"][0] for entry in schedule.values() if entry["task"] == "notifications.run_job"} == {
        "overdue",
        "due_soon",
        "escalation",
        "digest",
        "clocks",
    }
    assert {entry["task"] for entry in schedule.values()} == {
        "notifications.run_job",
        "packs.send_unsent",
        "annual_reports.send_unsent",
        "plans.transfer.send_unsent",
        "plans.transfer.purge_import_jobs",
    }
    assert schedule["reminders-overdue"]["schedule"] == crontab(hour=7, minute=0)
    assert schedule["reminders-digest"]["schedule"] == crontab(hour=7, minute=30, day_of_week="mon")


def test_times_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("REMINDER_OVERDUE_AT", "06:15")
    monkeypatch.setenv("REMINDER_DIGEST_DAY", "fri")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.CELERY_BEAT_SCHEDULE["reminders-overdue"]["schedule"] == crontab(hour=6, minute=15)
        assert reloaded.CELERY_BEAT_SCHEDULE["reminders-digest"]["schedule"].day_of_week == {5}
    finally:
        monkeypatch.undo()
        importlib.reload(project_settings)


def test_tasks_are_registered_with_late_acks():
    from notifications.tasks import deliver_reminder, run_job
    from safeguarding.celery import app

    assert {"notifications.run_job", "notifications.deliver_reminder"} <= set(app.tasks)
    assert deliver_reminder.acks_late and deliver_reminder.reject_on_worker_lost
    assert deliver_reminder.max_retries == 6
    assert run_job.name == "notifications.run_job"
