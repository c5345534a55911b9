from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .generation import make_pack


@shared_task(
    name="packs.generate_pack",
    acks_late=True,
    # With acks_late a killed worker child only redelivers when this is set too
    # (celery#1628); make_pack is idempotent, so a redelivery is harmless.
    reject_on_worker_lost=True,
    # A 1,000-action plan renders in well under a minute; cap runaway renders.
    soft_time_limit=300,
    time_limit=330,
    ignore_result=True,
)
def generate_pack(pack_id: int) -> None:
    try:
        make_pack(pack_id)
    except SoftTimeLimitExceeded:
        # make_pack has already marked the pack failed with the reason.
        return
