from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .gathering import gather_report, send_unsent_gatherings
from .publishing import make_files, send_unsent_reports


@shared_task(
    name="annual_reports.gather",
    acks_late=True,
    # As make_report_files: a killed child redelivers (celery#1628); gather_report is idempotent.
    reject_on_worker_lost=True,
    soft_time_limit=540,
    time_limit=600,
    ignore_result=True,
)
def gather_report_figures(report_id: int) -> None:
    try:
        gather_report(report_id)
    except SoftTimeLimitExceeded:
        return


@shared_task(
    name="annual_reports.make_files",
    acks_late=True,
    # With acks_late a killed child only redelivers when this is set too (celery#1628);
    # make_files is idempotent, so a redelivery is harmless.
    reject_on_worker_lost=True,
    soft_time_limit=540,
    time_limit=600,
    ignore_result=True,
)
def make_report_files(report_id: int) -> None:
    try:
        make_files(report_id)
    except SoftTimeLimitExceeded:
        return


@shared_task(name="annual_reports.send_unsent", ignore_result=True)
def send_unsent() -> None:
    """Every minute (beat): send the reports whose figures or files the worker never got asked for."""
    send_unsent_gatherings()
    send_unsent_reports()
