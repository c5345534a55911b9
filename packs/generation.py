"""Request and make board packs.

request_pack gathers the snapshot (a fixed number of queries) and hashes it.
When a pack with the same inputs exists it is returned at once, without
rendering. Otherwise a new pack is queued and made by make_pack in a Celery
worker (`make run` starts one): no web request ever waits for a render.
"""

from __future__ import annotations

import datetime
import functools
import logging
import time

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from boards.models import Board
from safeguarding.metrics import PACK_PAGES, PACK_RENDER_SECONDS
from safeguarding.queueing import send_after_commit, send_now

from .gather import gather_snapshot, input_hash
from .models import BoardPack, PackStatus
from .periods import PackPeriod
from .rendering import pack_title, render_print_html, write_pdf
from .sections import build_sections

logger = logging.getLogger(__name__)


def request_pack(
    board: Board, period: PackPeriod, user, today: datetime.date | None = None
) -> tuple[BoardPack, bool]:
    """The pack for these inputs and whether it is new (and so being made)."""
    today = today or timezone.localdate()
    snapshot = gather_snapshot(board, period, as_of=today)
    digest = input_hash(snapshot)
    existing = (
        BoardPack.objects.filter(board=board, input_hash=digest).exclude(status=PackStatus.FAILED).first()
    )
    if existing and _is_stale(existing):
        # Its worker died or never came: record that, and make the pack afresh below.
        _set_status(
            existing.pk,
            PackStatus.FAILED,
            "No worker finished this pack in time; it was asked for again.",
            error="stale: not finished within PACK_STALE_AFTER",
            finished_at=timezone.now(),
        )
        existing = None
    if existing:
        return existing, False
    try:
        # Race: two members asking for the same pack at once. The partial unique
        # constraint on (board, input_hash) lets one insert win; the other gets its pack.
        with transaction.atomic():
            pack = BoardPack.objects.create(
                board=board,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                period_label=period.label,
                title=pack_title(snapshot),
                requested_by=user if getattr(user, "is_authenticated", False) else None,
                input_hash=digest,
                snapshot=snapshot,
                progress_message="Waiting for a worker.",
            )
    except IntegrityError:
        return BoardPack.objects.exclude(status=PackStatus.FAILED).get(board=board, input_hash=digest), False
    dispatch(pack)
    return pack, True


# Longer than the task's hard time limit: a pack unfinished after this is never coming.
PACK_STALE_AFTER = datetime.timedelta(minutes=15)


def _is_stale(pack: BoardPack) -> bool:
    return not pack.is_finished and pack.created_at < timezone.now() - PACK_STALE_AFTER


# The task is sent by name so this module need not import packs.tasks, which imports it.
GENERATE_PACK_TASK = "packs.generate_pack"


def dispatch(pack: BoardPack) -> None:
    """Queue the pack for a worker once the transaction that created it commits. If Redis
    is down the pack stays queued and unsent, and send_unsent_packs sends it later."""
    send_after_commit(GENERATE_PACK_TASK, [pack.pk], on_sent=lambda: mark_sent(pack.pk))


def mark_sent(pack_id: int) -> None:
    BoardPack.objects.filter(pk=pack_id).update(sent_to_worker_at=timezone.now())


# A queued pack whose message is older than this was lost (Redis restarted without
# persistence, say): send it again. Long enough that a busy queue is not doubled.
RESEND_AFTER = datetime.timedelta(minutes=10)
# A pack is left this long for its own after-commit send before the sweep steps in.
SEND_GRACE = datetime.timedelta(minutes=1)


def send_unsent_packs(now: datetime.datetime | None = None) -> list[int]:
    """Send every queued pack the worker never got: those whose send failed (Redis down)
    and those whose message has waited too long to be anything but lost. Returns their ids."""
    now = now or timezone.now()
    unsent = BoardPack.objects.filter(status=PackStatus.QUEUED, created_at__lt=now - SEND_GRACE).filter(
        Q(sent_to_worker_at__isnull=True) | Q(sent_to_worker_at__lt=now - RESEND_AFTER)
    )
    sent = []
    for pack_id in unsent.values_list("pk", flat=True):
        if not send_now(GENERATE_PACK_TASK, [pack_id], on_sent=functools.partial(mark_sent, pack_id)):
            break  # Redis is still down: the next sweep tries again
        sent.append(pack_id)
    return sent


def _set_status(pack_id: int, status: str, message: str, **fields) -> None:
    BoardPack.objects.filter(pk=pack_id).update(status=status, progress_message=message, **fields)


# A worker killed while making a pack (out of memory, a deploy) has its task redelivered;
# a pack that has killed this many workers is failed rather than tried for ever.
MAX_ATTEMPTS = 3


def make_pack(pack_id: int) -> None:
    """Build the sections from the stored snapshot and render the PDF. Idempotent:
    a pack already done (or failed) is left alone, so a redelivered task does no harm."""
    claimed = (
        BoardPack.objects.filter(pk=pack_id, attempts__lt=MAX_ATTEMPTS)
        .exclude(status__in=[PackStatus.DONE, PackStatus.FAILED])
        .update(
            status=PackStatus.GATHERING,
            progress_message="Gathering the sections from the snapshot.",
            error="",
            attempts=F("attempts") + 1,
        )
    )
    if not claimed:
        BoardPack.objects.filter(pk=pack_id, attempts__gte=MAX_ATTEMPTS).exclude(
            status__in=[PackStatus.DONE, PackStatus.FAILED]
        ).update(
            status=PackStatus.FAILED,
            progress_message="The pack could not be made. Ask again; if it fails again, tell the service team.",
            error=f"The worker stopped while making this pack {MAX_ATTEMPTS} times.",
            finished_at=timezone.now(),
        )
        return
    pack = BoardPack.objects.select_related("board").get(pk=pack_id)
    try:
        sections = build_sections(pack.board, pack.period, pack.snapshot)
        html = render_print_html(pack.period, pack.snapshot, sections)
        _set_status(pack_id, PackStatus.RENDERING, f"Laying out {len(sections)} sections as PDF pages.")
        started = time.perf_counter()
        rendered = write_pdf(html)
        render_seconds = time.perf_counter() - started
        PACK_RENDER_SECONDS.observe(render_seconds)
        PACK_PAGES.observe(rendered.pages)
        name = f"{pack.board.slug}-{pack.period_start:%Y-%m}-{pack.input_hash[:12]}.pdf"
        pack.pdf.save(name, ContentFile(rendered.content), save=False)
        BoardPack.objects.filter(pk=pack_id).update(
            pdf=pack.pdf.name,
            pages=rendered.pages,
            status=PackStatus.DONE,
            progress_message=f"Ready: {rendered.pages} pages.",
            finished_at=timezone.now(),
        )
        logger.info(
            "Board pack %s made: %d pages, rendered in %.1f s", pack_id, rendered.pages, render_seconds
        )
    except Exception as error:
        logger.exception("Board pack %s failed", pack_id)
        _set_status(
            pack_id,
            PackStatus.FAILED,
            "The pack could not be made. Ask again; if it fails again, tell the service team.",
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise


def reprint(pack: BoardPack) -> bytes:
    """Render an issued pack again from its stored snapshot, exactly as the board saw it."""
    sections = build_sections(pack.board, pack.period, pack.snapshot)
    return write_pdf(render_print_html(pack.period, pack.snapshot, sections)).content
