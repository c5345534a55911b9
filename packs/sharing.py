"""The two worker processes making a board pack share its layout.

A pack with a full-plan annex is made by two processes at once (packs.generation): one lays
out the pack, the other the annex. They are not equal: at 1,000 actions the pack took
19.8 s of CPU and the annex 15.4 s (bench/board_pack.py, 30 November), so the pack decided
the wall time. Here the pack's process offers its last part to the annex's process, which
lays it out between its own parts, at its first chance, and stores it; the pack's process
lays out the rest and collects it before joining.

Nothing waits on the other process for long, and nothing is laid out by no one:

- an offer that nobody has claimed when the pack's process needs it is taken back and laid
  out there (the annex's task still queued, or done before the offer came);
- a claim older than CLAIM_TIMEOUT_SECONDS is taken back too (the annex's process stopped);
- a part the annex's process fails on is laid out by the pack's, and the annex goes on;
- every change of state is one conditional UPDATE on the offer's own id, so of a late
  "done" and a "taken back" only the first counts (the loser deletes its file).

The part is laid out from the HTML and CSS the pack's process offers: byte for byte what
it would have laid out itself (packs.rendering.lay_out_part).
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import SharedPart, SharedPartState
from .rendering import LaidOut, lay_out_part

logger = logging.getLogger(__name__)

# A claimed part's layout takes seconds (the 1,000-action pack's last part: ~2.5 s); one
# still claimed after this long belongs to a process that has stopped.
CLAIM_TIMEOUT_SECONDS = 90
POLL_SECONDS = 0.05


class AnnexProcessHelper:
    """packs.rendering.PartHelper for the pack's process: offers the part, collects it."""

    def __init__(self, pack_id: int) -> None:
        self.pack_id = pack_id
        self.offer_id: uuid.UUID | None = None

    def offer(self, number: int, html: str, css: str) -> None:
        discard(self.pack_id)  # an earlier attempt's offer, if any
        self.offer_id = uuid.uuid4()
        SharedPart.objects.create(
            pack_id=self.pack_id,
            offer=self.offer_id,
            number=number,
            html=html,
            css=css,
            offered_at=timezone.now(),
        )

    def collect(self) -> LaidOut | None:
        if self.offer_id is None:
            return None
        while True:
            part = SharedPart.objects.filter(pack_id=self.pack_id, offer=self.offer_id).first()
            if part is None or part.state in (SharedPartState.FAILED, SharedPartState.TAKEN_BACK):
                return None
            if part.state == SharedPartState.DONE:
                return _read(part)
            if part.state == SharedPartState.CLAIMED and not _claim_expired(part.claimed_at):
                time.sleep(POLL_SECONDS)
                continue
            # Offered and never claimed, or claimed by a process that stopped: take it back,
            # unless it was finished this instant (then the next turn reads it).
            if _move(part, part.state, state=SharedPartState.TAKEN_BACK):
                return None


def lay_out_offered_part(pack_id: int, on_claim: Callable[[], None] | None = None) -> bool:
    """In the annex's process: claim the part the pack's process offers, if one is waiting,
    lay it out and store it. True if it did. Never raises: a failure is the pack's process's
    to make up for, not a reason to fail the annex."""
    part = SharedPart.objects.filter(pack_id=pack_id, state=SharedPartState.OFFERED).first()
    if part is None or not _move(
        part, SharedPartState.OFFERED, state=SharedPartState.CLAIMED, claimed_at=timezone.now()
    ):
        return False
    if on_claim is not None:
        on_claim()
    name = ""
    try:
        laid_out = lay_out_part(part.html, part.css)
        name = part.pdf.storage.save(
            part.pdf.field.generate_filename(part, f"pack-{pack_id}-part-{part.number + 1}.pdf"),
            ContentFile(laid_out.content),
        )
        done = _move(
            part,
            SharedPartState.CLAIMED,
            state=SharedPartState.DONE,
            pdf=name,
            pages=laid_out.pages,
            anchors=laid_out.anchors,
            landscape=laid_out.landscape,
        )
    except Exception:
        logger.exception(
            "Board pack %s: the annex's process could not lay out part %s", pack_id, part.number + 1
        )
        _move(part, SharedPartState.CLAIMED, state=SharedPartState.FAILED)
        done = False
    if not done and name:
        part.pdf.storage.delete(name)  # taken back meanwhile: the pack's process lays it out
    return done


def discard(pack_id: int) -> None:
    """The pack's offered part, row and file: not needed once the pack is joined."""
    for part in SharedPart.objects.filter(pack_id=pack_id):
        if part.pdf.name:
            part.pdf.storage.delete(part.pdf.name)
        part.delete()


def _move(part: SharedPart, from_state: str, **changes) -> bool:
    """Change the offer's state if it is still ``from_state`` (one conditional UPDATE)."""
    return bool(SharedPart.objects.filter(pk=part.pk, offer=part.offer, state=from_state).update(**changes))


def _claim_expired(claimed_at: datetime.datetime | None) -> bool:
    return claimed_at is None or timezone.now() - claimed_at > datetime.timedelta(
        seconds=CLAIM_TIMEOUT_SECONDS
    )


def _read(part: SharedPart) -> LaidOut | None:
    """The stored part, or None if its file has gone (then the pack's process lays it out)."""
    try:
        with part.pdf.storage.open(part.pdf.name or "", "rb") as stored:
            content = stored.read()
    except Exception:  # gone from storage, or storage unreachable: lay it out here instead
        logger.warning("Board pack %s: the shared part's file could not be read", part.pack_id, exc_info=True)
        return None
    return LaidOut(
        content=content,
        pages=part.pages or 0,
        anchors={name: int(page) for name, page in part.anchors.items()},
        landscape=[bool(wide) for wide in part.landscape],
    )
