"""The pack's process offers its last part to the annex's process (packs.sharing)."""

import datetime
from pathlib import Path
from unittest import mock

import pikepdf
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from packs import generation, rendering, sharing
from packs.generation import reprint, request_pack
from packs.models import PackStatus, SharedPart, SharedPartState
from tests.packs.conftest import TODAY
from tests.packs.factories import make_pack_plan
from tests.packs.pdf import normalise, pdf_text

pytestmark = pytest.mark.django_db

PART_HTML = "<!DOCTYPE html><html lang='en-GB'><body><p>A part of the pack</p></body></html>"
NOW = datetime.datetime(2026, 10, 20, 12, tzinfo=datetime.UTC)


@pytest.fixture
def section_parts(monkeypatch):
    """Every section a part of its own, so that a small pack has a part to share (the
    1,000-action pack's parts are up to 200 KB of HTML)."""
    monkeypatch.setattr(rendering, "PART_HTML_SIZE", 1)


@pytest.fixture
def queued_pack(people, q2, monkeypatch):
    """A pack requested and not made yet; its annex, when make_pack sends it, goes to
    "the worker's other process", which here does nothing unless a test says so."""
    make_pack_plan(people.board)
    monkeypatch.setattr(generation, "dispatch", lambda pack: None)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    monkeypatch.setattr(generation, "dispatch_annex", lambda pack_id: True)
    return pack


def _outline(path) -> list[tuple[str, int]]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as outline:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        found = []
        stack = list(outline.root)
        while stack:
            item = stack.pop(0)
            target = item.destination[0].objgen if item.destination else None
            found.append((item.title, pages.get(target, -1)))
            stack = list(item.children) + stack
        return found


def _stored_parts(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file() and "parts" in path.parts]


def test_the_part_the_annex_process_lays_out_is_joined_into_the_same_pack(
    queued_pack, section_parts, monkeypatch, settings, tmp_path
):
    seen = {}
    collect = sharing.AnnexProcessHelper.collect

    def annex_process_went_first(helper):
        # Between two of its own parts, the annex's process finds the offer and lays it out.
        offered = SharedPart.objects.get(pack=queued_pack)
        seen["offered"] = (offered.state, offered.number, "Appendix" in offered.html)
        seen["laid out there"] = sharing.lay_out_offered_part(queued_pack.pk)
        seen["then"] = SharedPart.objects.get(pack=queued_pack).state
        seen["files"] = len(_stored_parts(settings))
        return collect(helper)

    monkeypatch.setattr(sharing.AnnexProcessHelper, "collect", annex_process_went_first)
    generation.make_pack(queued_pack.pk)
    queued_pack.refresh_from_db()
    # The last part (the appendix's page, linking to the annex) was offered and laid out there.
    assert seen["offered"] == (SharedPartState.OFFERED, 8, True)
    assert seen["laid out there"] is True and seen["then"] == SharedPartState.DONE and seen["files"] == 1
    assert queued_pack.pdf and queued_pack.status == PackStatus.RENDERING  # the annex is still to come
    # The same pack as one process lays out: pages, words, bookmarks.
    alone = tmp_path / "alone.pdf"
    alone.write_bytes(reprint(queued_pack))
    assert normalise(pdf_text(queued_pack.pdf.path)) == normalise(pdf_text(alone))
    assert _outline(queued_pack.pdf.path) == _outline(alone)
    assert "Appendix: the full business plan" in [title for title, _page in _outline(alone)]
    # Once joined, the offer and its file are gone.
    assert not SharedPart.objects.exists() and _stored_parts(settings) == []


def test_an_offer_nobody_claims_is_taken_back_and_laid_out_by_the_pack_process(
    queued_pack, section_parts, monkeypatch, tmp_path
):
    after = []
    collect = sharing.AnnexProcessHelper.collect

    def then_the_annex_process_looks(helper):
        laid_out = collect(helper)
        after.append(SharedPart.objects.get(pack=queued_pack).state)
        after.append(sharing.lay_out_offered_part(queued_pack.pk))  # too late: nothing to take
        return laid_out

    monkeypatch.setattr(sharing.AnnexProcessHelper, "collect", then_the_annex_process_looks)
    generation.make_pack(queued_pack.pk)
    queued_pack.refresh_from_db()
    assert after == [SharedPartState.TAKEN_BACK, False]
    alone = tmp_path / "alone.pdf"
    alone.write_bytes(reprint(queued_pack))
    assert normalise(pdf_text(queued_pack.pdf.path)) == normalise(pdf_text(alone))
    assert not SharedPart.objects.exists()


def test_nothing_is_offered_when_the_annex_is_made_in_the_same_process(
    people, q2, monkeypatch, section_parts
):
    """Redis down since the pack was sent: the annex is made after the pack, by this process."""
    make_pack_plan(people.board)
    monkeypatch.setattr(generation, "dispatch", lambda pack: None)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    monkeypatch.setattr(generation, "dispatch_annex", lambda pack_id: False)
    offer = mock.Mock(side_effect=AssertionError("offered"))
    monkeypatch.setattr(sharing.AnnexProcessHelper, "offer", offer)
    generation.make_pack(pack.pk)
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE and pack.pdf and pack.annex_pdf


def test_a_pack_of_fewer_than_three_parts_offers_none():
    cover, contents, body, appendix = (
        [rendering.SectionData(key, key, "", {})] for key in ("cover", "contents", "body", "appendix")
    )
    assert rendering._part_to_offer([cover, contents, body], contents_at=1) is None
    assert rendering._part_to_offer([cover, contents, body, appendix], contents_at=1) == 3


def test_a_claimed_part_is_waited_for_and_used(queued_pack, monkeypatch):
    helper = sharing.AnnexProcessHelper(queued_pack.pk)
    helper.offer(4, PART_HTML, rendering.PART_CSS)
    part = SharedPart.objects.get(pack=queued_pack)
    assert sharing._move(
        part, SharedPartState.OFFERED, state=SharedPartState.CLAIMED, claimed_at=timezone.now()
    )
    waits = []

    def the_annex_process_finishes_meanwhile(seconds):
        waits.append(seconds)
        name = part.pdf.storage.save("packs/test/parts/part-5.pdf", ContentFile(b"%PDF-1.7 part"))
        sharing._move(
            part,
            SharedPartState.CLAIMED,
            state=SharedPartState.DONE,
            pdf=name,
            pages=2,
            anchors={"x": 1},
            landscape=[False, True],
        )

    monkeypatch.setattr(sharing.time, "sleep", the_annex_process_finishes_meanwhile)
    laid_out = helper.collect()
    assert waits == [sharing.POLL_SECONDS]
    assert laid_out == rendering.LaidOut(b"%PDF-1.7 part", 2, {"x": 1}, [False, True])


def test_a_part_claimed_by_a_process_that_stopped_is_taken_back(queued_pack):
    helper = sharing.AnnexProcessHelper(queued_pack.pk)
    with time_machine.travel(NOW, tick=False):
        helper.offer(4, PART_HTML, rendering.PART_CSS)
        part = SharedPart.objects.get(pack=queued_pack)
        sharing._move(part, SharedPartState.OFFERED, state=SharedPartState.CLAIMED, claimed_at=timezone.now())
    later = NOW + datetime.timedelta(seconds=sharing.CLAIM_TIMEOUT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert helper.collect() is None  # lay it out here
    assert SharedPart.objects.get(pack=queued_pack).state == SharedPartState.TAKEN_BACK


def test_a_part_finished_after_it_was_taken_back_leaves_no_file(queued_pack, monkeypatch, settings):
    helper = sharing.AnnexProcessHelper(queued_pack.pk)
    helper.offer(4, PART_HTML, rendering.PART_CSS)
    lay_out = sharing.lay_out_part

    def the_pack_process_gives_up_meanwhile(html, css):
        laid_out = lay_out(html, css)
        SharedPart.objects.filter(pack=queued_pack).update(state=SharedPartState.TAKEN_BACK)
        return laid_out

    monkeypatch.setattr(sharing, "lay_out_part", the_pack_process_gives_up_meanwhile)
    assert sharing.lay_out_offered_part(queued_pack.pk) is False
    assert SharedPart.objects.get(pack=queued_pack).state == SharedPartState.TAKEN_BACK
    assert _stored_parts(settings) == []


def test_a_part_the_annex_process_fails_on_is_left_to_the_pack_process(queued_pack, monkeypatch):
    helper = sharing.AnnexProcessHelper(queued_pack.pk)
    helper.offer(4, PART_HTML, rendering.PART_CSS)
    monkeypatch.setattr(sharing, "lay_out_part", mock.Mock(side_effect=RuntimeError("Pango ran out")))
    claimed = mock.Mock()
    assert sharing.lay_out_offered_part(queued_pack.pk, on_claim=claimed) is False  # does not raise
    claimed.assert_called_once()
    assert SharedPart.objects.get(pack=queued_pack).state == SharedPartState.FAILED
    assert helper.collect() is None


def test_a_stored_part_whose_file_is_gone_is_laid_out_here(queued_pack):
    helper = sharing.AnnexProcessHelper(queued_pack.pk)
    helper.offer(4, PART_HTML, rendering.PART_CSS)
    assert sharing.lay_out_offered_part(queued_pack.pk) is True
    part = SharedPart.objects.get(pack=queued_pack)
    part.pdf.storage.delete(part.pdf.name)
    assert helper.collect() is None


def test_the_annex_task_lays_out_an_offered_part_between_its_own(queued_pack, monkeypatch):
    generation.make_pack  # noqa: B018  (the pack's process is not run: its offer is made here)
    sharing.AnnexProcessHelper(queued_pack.pk).offer(4, PART_HTML, rendering.PART_CSS)
    queued_pack.__class__.objects.filter(pk=queued_pack.pk).update(has_annex=True)
    said = []
    record = generation._record_progress
    monkeypatch.setattr(
        generation,
        "_record_progress",
        lambda pack_id, part, step: said.append(step) or record(pack_id, part, step),
    )
    generation.make_annex(queued_pack.pk)
    queued_pack.refresh_from_db()
    part = SharedPart.objects.get(pack=queued_pack)
    assert part.state == SharedPartState.DONE and part.pages == 1 and part.pdf.name
    assert queued_pack.annex_pdf and queued_pack.annex_pages
    assert "laying out a part of the pack, to share the work" in said
    assert str(part) == f"{queued_pack.title}: part 5 (laid out by the annex's process)"
    assert part.get_absolute_url() == queued_pack.get_absolute_url()


def test_a_pack_that_fails_leaves_no_offered_part_behind(queued_pack, settings):
    """A pack process killed while its part was offered: the part (row and file) goes when
    the pack is failed, not only when a later attempt offers again."""
    helper = sharing.AnnexProcessHelper(queued_pack.pk)
    helper.offer(4, PART_HTML, rendering.PART_CSS)
    assert sharing.lay_out_offered_part(queued_pack.pk) is True and len(_stored_parts(settings)) == 1
    queued_pack.__class__.objects.filter(pk=queued_pack.pk).update(attempts=generation.MAX_ATTEMPTS)
    generation.make_pack(queued_pack.pk)  # the redelivered task, once more: the pack is failed
    queued_pack.refresh_from_db()
    assert queued_pack.status == PackStatus.FAILED
    assert not SharedPart.objects.exists() and _stored_parts(settings) == []
