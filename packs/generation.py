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

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from boards.models import Board
from safeguarding.metrics import PACK_PAGES, PACK_RENDER_SECONDS
from safeguarding.queueing import send_after_commit, send_now

from . import sharing
from .gather import gather_snapshot, input_hash
from .models import BoardPack, PackStatus
from .periods import PackPeriod
from .rendering import AnnexSource, PackSource, pack_title, write_pdf
from .sections import build_sections, plan_appendix, split_off_annex

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
    sent: list[int] = []
    for pack_id in unsent.values_list("pk", flat=True):
        if not send_now(GENERATE_PACK_TASK, [pack_id], on_sent=functools.partial(mark_sent, pack_id)):
            return sent  # Redis is still down: the next sweep tries again
        sent.append(pack_id)
    # The annex's message, sent by make_pack, lost the same way: the pack part is made and
    # waits for an annex no worker has started. (A worker that started it and stopped has
    # the task redelivered, as for the pack.) Sent at most once per RESEND_AFTER.
    lost_annexes = (
        BoardPack.objects.filter(has_annex=True, annex_pdf="", annex_attempts=0)
        .exclude(status__in=[PackStatus.DONE, PackStatus.FAILED, PackStatus.QUEUED])
        .filter(Q(annex_sent_at__isnull=True) | Q(annex_sent_at__lt=now - RESEND_AFTER))
        .filter(sent_to_worker_at__lt=now - RESEND_AFTER)
    )
    for pack_id in lost_annexes.values_list("pk", flat=True):
        if not send_now(GENERATE_ANNEX_TASK, [pack_id]):
            break
        BoardPack.objects.filter(pk=pack_id).update(annex_sent_at=now)
        sent.append(pack_id)
    return sent


def _set_status(pack_id: int, status: str, message: str, **fields) -> None:
    BoardPack.objects.filter(pk=pack_id).update(status=status, progress_message=message, **fields)


# A worker killed while making a pack (out of memory, a deploy) has its task redelivered;
# a pack that has killed this many workers is failed rather than tried for ever.
MAX_ATTEMPTS = 3

# The full-plan annex is made by its own task, sent by make_pack, so that a worker with
# two processes lays out the pack and the annex at the same time.
GENERATE_ANNEX_TASK = "packs.generate_pack_annex"

PACK, ANNEX = "pack", "annex"
PART_NAMES = {PACK: "The pack", ANNEX: "The full plan annex"}
FAILED_MESSAGE = "The pack could not be made. Ask again; if it fails again, tell the service team."
ANNEX_FAILED_MESSAGE = (
    "The pack's full plan annex could not be made. Ask again; if it fails again, tell the service team."
)


def progress_message(parts: dict[str, str]) -> str:
    """What every part is doing, in one sentence each: the pack page shows it as it polls."""
    said = " ".join(f"{PART_NAMES[part]}: {parts[part]}." for part in (PACK, ANNEX) if parts.get(part))
    return said[:250]


def dispatch_annex(pack_id: int) -> bool:
    """Send the annex to the queue now, for the worker's other process; False if Redis
    would not take it."""
    if not send_now(GENERATE_ANNEX_TASK, [pack_id]):
        return False
    BoardPack.objects.filter(pk=pack_id).update(annex_sent_at=timezone.now())
    return True


def _record_progress(pack_id: int, part: str, step: str) -> None:
    """Say what one part is doing now. The parts run in two processes at once, so each
    rewrites the shared message under a row lock, never over the other's step."""
    with transaction.atomic():
        pack = (
            BoardPack.objects.select_for_update()
            .only("pk", "status", "parts_progress", "progress_message")
            .get(pk=pack_id)
        )
        if pack.is_finished:
            return
        pack.parts_progress = {**pack.parts_progress, part: step}
        pack.progress_message = progress_message(pack.parts_progress)
        pack.save(update_fields=["parts_progress", "progress_message"])


def _fail(pack_id: int, message: str, error: str) -> None:
    """Fail the pack unless it is already finished; the other part, if still working,
    finds it failed and stops there."""
    BoardPack.objects.filter(pk=pack_id).exclude(status__in=[PackStatus.DONE, PackStatus.FAILED]).update(
        status=PackStatus.FAILED, progress_message=message, error=error, finished_at=timezone.now()
    )
    sharing.discard(pack_id)  # a part offered to the annex's process is not needed now


def _finish_if_complete(pack_id: int) -> bool:
    """Mark the pack done once every file it needs is stored. Each part calls this when
    its own file is stored; the row lock makes the later of the two the one that sees
    both files, and no Celery result backend is needed to join them."""
    with transaction.atomic():
        pack = BoardPack.objects.select_for_update().defer("snapshot").get(pk=pack_id)
        if pack.is_finished or not pack.pdf or (pack.has_annex and not pack.annex_pdf):
            return False
        pack.status = PackStatus.DONE
        pack.finished_at = timezone.now()
        pack.progress_message = (
            f"Ready: {pack.pages} pages, and the full plan annex of {pack.annex_pages} pages."
            if pack.has_annex
            else f"Ready: {pack.pages} pages."
        )
        pack.save(update_fields=["status", "finished_at", "progress_message"])
    return True


def _pdf_name(pack: BoardPack, suffix: str = "") -> str:
    return f"{pack.board.slug}-{pack.period_start:%Y-%m}-{pack.input_hash[:12]}{suffix}.pdf"


def annex_url(pack: BoardPack) -> str:
    """The annex's download address, printed in the pack: absolute, as a PDF is read
    outside the site; it goes through the same membership check as the pack's own."""
    return f"{settings.SITE_URL}{pack.get_annex_url()}"


def make_pack(pack_id: int) -> None:
    """Build the sections from the stored snapshot, send the full-plan annex to another
    worker process, and render the pack. Idempotent: a pack already done (or failed) is
    left alone, and a part already stored is not made again, so a redelivered task does
    no harm."""
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
            progress_message=FAILED_MESSAGE,
            error=f"The worker stopped while making this pack {MAX_ATTEMPTS} times.",
            finished_at=timezone.now(),
        )
        sharing.discard(pack_id)  # the offer of a process killed while it waited for the part
        return
    pack = BoardPack.objects.select_related("board").get(pk=pack_id)
    try:
        sections, appendix = split_off_annex(
            build_sections(pack.board, pack.period, pack.snapshot), annex_url(pack)
        )
        annex_here = False
        # The annex's process is sent one of the pack's parts to lay out too (packs.sharing),
        # when it is sent the annex now: it has less to do.
        helper = None
        if appendix is not None:
            BoardPack.objects.filter(pk=pack_id).update(has_annex=True)
            if not pack.annex_pdf and pack.annex_attempts == 0:
                _record_progress(pack_id, ANNEX, "waiting for a second worker process")
                # With Redis gone since the pack was sent, make the annex here, after the pack.
                annex_here = not dispatch_annex(pack_id)
                helper = None if annex_here else sharing.AnnexProcessHelper(pack_id)
        if not pack.pdf:
            source = PackSource(pack.period, pack.snapshot, sections)
            rendering = (
                BoardPack.objects.filter(pk=pack_id)
                .exclude(status__in=[PackStatus.DONE, PackStatus.FAILED])
                .update(status=PackStatus.RENDERING)
            )
            if not rendering:
                return  # the annex failed meanwhile, and failed the pack: nothing to lay out
            _record_progress(pack_id, PACK, f"laying out {len(sections)} sections as PDF pages")
            started = time.perf_counter()
            try:
                rendered = write_pdf(
                    source, on_step=lambda step: _record_progress(pack_id, PACK, step), helper=helper
                )
            finally:
                sharing.discard(pack_id)
            render_seconds = time.perf_counter() - started
            PACK_RENDER_SECONDS.observe(render_seconds)
            PACK_PAGES.observe(rendered.pages)
            pack.pdf.save(_pdf_name(pack), ContentFile(rendered.content), save=False)
            BoardPack.objects.filter(pk=pack_id).update(pdf=pack.pdf.name, pages=rendered.pages)
            _record_progress(pack_id, PACK, f"stored, {rendered.pages} pages")
            logger.info(
                "Board pack %s made: %d pages, rendered in %.1f s", pack_id, rendered.pages, render_seconds
            )
        if annex_here:
            make_annex(pack_id)
        _finish_if_complete(pack_id)
    except Exception as error:
        logger.exception("Board pack %s failed", pack_id)
        _fail(pack_id, FAILED_MESSAGE, f"{type(error).__name__}: {error}")
        raise


def make_annex(pack_id: int) -> None:
    """Render the full-plan annex and store it; the pack is done when both files are.
    Idempotent as make_pack is: an annex already stored, or a pack finished, is left alone."""
    claimed = (
        BoardPack.objects.filter(pk=pack_id, has_annex=True, annex_pdf="", annex_attempts__lt=MAX_ATTEMPTS)
        .exclude(status__in=[PackStatus.DONE, PackStatus.FAILED])
        .update(annex_attempts=F("annex_attempts") + 1)
    )
    if not claimed:
        _fail_exhausted_annex(pack_id)
        return
    pack = BoardPack.objects.select_related("board").get(pk=pack_id)
    try:
        appendix = plan_appendix(pack.board, pack.period, pack.snapshot)
        if appendix is None:
            # has_annex is set only for a snapshot with a plan; fails as any error here does.
            raise ValueError("The pack's snapshot holds no plan for its annex.")
        actions = sum(
            len(o["actions"]) for p in appendix.context["plans"] for a in p["areas"] for o in a["objectives"]
        )
        pack_url = f"{settings.SITE_URL}{pack.get_absolute_url()}"
        source = AnnexSource(pack.period, pack.snapshot, appendix, pack_url)
        _record_progress(pack_id, ANNEX, f"laying out the full plan ({actions:,} actions) as PDF pages")
        rendered = write_pdf(
            source,
            on_step=lambda step: _record_progress(pack_id, ANNEX, step),
            between_parts=functools.partial(_help_the_pack, pack_id),
        )
        pack.annex_pdf.save(_pdf_name(pack, "-annex"), ContentFile(rendered.content), save=False)
        BoardPack.objects.filter(pk=pack_id).update(annex_pdf=pack.annex_pdf.name, annex_pages=rendered.pages)
        _record_progress(pack_id, ANNEX, f"stored, {rendered.pages} pages")
        logger.info("Board pack %s annex made: %d pages", pack_id, rendered.pages)
        _finish_if_complete(pack_id)
    except Exception as error:
        logger.exception("Board pack %s annex failed", pack_id)
        _fail(pack_id, ANNEX_FAILED_MESSAGE, f"Annex: {type(error).__name__}: {error}")
        raise


def _help_the_pack(pack_id: int) -> None:
    """Between the annex's parts: lay out the part the pack's process offers, if one waits."""
    sharing.lay_out_offered_part(
        pack_id,
        on_claim=lambda: _record_progress(pack_id, ANNEX, "laying out a part of the pack, to share the work"),
    )


def _fail_exhausted_annex(pack_id: int) -> None:
    BoardPack.objects.filter(pk=pack_id, annex_pdf="", annex_attempts__gte=MAX_ATTEMPTS).exclude(
        status__in=[PackStatus.DONE, PackStatus.FAILED]
    ).update(
        status=PackStatus.FAILED,
        progress_message=ANNEX_FAILED_MESSAGE,
        error=f"The worker stopped while making this pack's annex {MAX_ATTEMPTS} times.",
        finished_at=timezone.now(),
    )
    sharing.discard(pack_id)


def reprint(pack: BoardPack) -> bytes:
    """Render an issued pack again from its stored snapshot, exactly as the board saw it
    (with the page that links to its annex; reprint_annex renders the annex)."""
    sections, _appendix = split_off_annex(
        build_sections(pack.board, pack.period, pack.snapshot), annex_url(pack)
    )
    return write_pdf(PackSource(pack.period, pack.snapshot, sections)).content


def reprint_annex(pack: BoardPack) -> bytes | None:
    """The pack's full-plan annex rendered again from its snapshot; None if it has none."""
    appendix = plan_appendix(pack.board, pack.period, pack.snapshot)
    if appendix is None:
        return None
    pack_url = f"{settings.SITE_URL}{pack.get_absolute_url()}"
    return write_pdf(AnnexSource(pack.period, pack.snapshot, appendix, pack_url)).content
