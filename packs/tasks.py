from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .generation import make_annex, make_pack, send_unsent_packs


@shared_task(
    name="packs.generate_pack",
    acks_late=True,
    # With acks_late a killed worker child only redelivers when this is set too
    # (celery#1628); make_pack is idempotent, so a redelivery is harmless.
    reject_on_worker_lost=True,
    # A 1,000-action plan (about 250 pages) takes 1–2 minutes of CPU at about
    # 3 pages a second (bench/board_pack.py); cap runaway renders at 10 minutes.
    soft_time_limit=540,
    time_limit=600,
    ignore_result=True,
)
def generate_pack(pack_id: int) -> None:
    try:
        make_pack(pack_id)
    except SoftTimeLimitExceeded:
        # make_pack has already marked the pack failed with the reason.
        return


@shared_task(
    name="packs.generate_pack_annex",
    # As generate_pack: redelivered when its worker child is killed; make_annex is idempotent.
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=540,
    time_limit=600,
    ignore_result=True,
)
def generate_pack_annex(pack_id: int) -> None:
    """The full-plan annex, sent by make_pack so that a second worker process lays it out
    while the first lays out the pack."""
    try:
        make_annex(pack_id)
    except SoftTimeLimitExceeded:
        return  # make_annex has already marked the pack failed with the reason


@shared_task(name="packs.send_unsent", ignore_result=True)
def send_unsent() -> None:
    """Every minute (beat): send the packs the worker never got (see generation.send_unsent_packs)."""
    send_unsent_packs()
