import datetime
import subprocess
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

from packs import generation
from packs.generation import reprint, reprint_annex, request_pack
from packs.models import BoardPack, PackStatus
from packs.rendering import AnnexSource
from packs.rendering import write_pdf as real_write_pdf
from plans.due_dates import change_due_date
from plans.models import Rag
from tests.factories import ProgressUpdateFactory
from tests.packs.conftest import FAKE_PDF, TODAY
from tests.packs.factories import make_board_business, make_pack_plan
from tests.packs.pdf import normalise, pdf_text

pytestmark = pytest.mark.django_db

SECTION_TITLES = [
    "Contents",
    "Business plan summary",
    "Exception report: red and overdue actions",
    "Progress in the period",
    "Slipped deadlines",
    "Actions due next quarter",
    "Performance measures",
    "What changed since the last pack",
    "Appendix: the full business plan",
]


def test_the_pdf_has_every_section_every_exception_and_nothing_of_another_board(people, q2, tmp_path):
    plan = make_pack_plan(people.board)
    other = make_pack_plan(people.other_board, prefix="OTHER ")
    pack, created = request_pack(people.board, q2, people.member, today=TODAY)
    assert created and pack.status == PackStatus.DONE, pack.error
    text = normalise(pdf_text(pack.pdf.path))
    for title in SECTION_TITLES:
        assert title in text, title
    # Reading order: a description wrapped in the exception table's narrow column stays
    # together (the full plan, where it fitted on one line, is now the annex).
    reading = normalise(pdf_text(pack.pdf.path, layout=False))
    for action in (plan.red, plan.overdue):  # every red or overdue action is an exception
        assert action.description in reading
    assert "Auditors delayed by staffing" in text  # latest progress, and an update in the period
    assert plan.due_next_quarter.description in text
    assert "OFFICIAL" in text and f"Page 1 of {pack.pages}" in text
    assert people.board.name in text and "Quarter 2 2026/27" in text
    assert "Red" in text and "Blue (complete)" in text  # RAG as words
    assert "NI65" in text and "Repeat child protection plans" in text
    assert "OTHER" not in text and other.red.description not in text
    assert pack.requested_by == people.member and len(pack.input_hash) == 64
    info = subprocess.run(["pdfinfo", pack.pdf.path], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and "595.276 x 841.89 pts (A4)" in info  # PDF/UA: a tagged PDF


def test_the_pdf_has_bookmarks_and_a_landscape_appendix(people, q2, fake_renderer):
    from weasyprint import CSS, HTML

    from packs.rendering import PRINT_CSS, render_print_html
    from packs.sections import build_sections

    make_pack_plan(people.board)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    html = render_print_html(
        pack.period, pack.snapshot, build_sections(pack.board, pack.period, pack.snapshot)
    )
    assert '<html lang="en-GB">' in html
    document = HTML(string=html).render(stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1")
    outline = [bookmark[0] for bookmark in document.make_bookmark_tree()]
    assert (
        outline[:2] == ["Contents", "Business plan summary"] and "Appendix: the full business plan" in outline
    )
    assert document.pages[0].width < document.pages[0].height  # portrait
    assert document.pages[-1].width > document.pages[-1].height  # the seven-column appendix is landscape


def test_asking_again_with_unchanged_inputs_returns_the_stored_pack_without_rendering(
    people, q2, fake_renderer
):
    make_pack_plan(people.board)
    first, _ = request_pack(people.board, q2, people.member, today=TODAY)
    assert fake_renderer.call_count == 2  # the pack and its full-plan annex
    with mock.patch.object(generation, "write_pdf") as renderer:
        # Even on a later day: the date of asking is not an input.
        again, created = request_pack(
            people.board, q2, people.chair, today=TODAY + datetime.timedelta(days=1)
        )
    renderer.assert_not_called()
    assert not created and again.pk == first.pk and BoardPack.objects.count() == 1


def test_a_changed_progress_update_makes_a_new_pack(people, q2, fake_renderer):
    plan = make_pack_plan(people.board)
    first, _ = request_pack(people.board, q2, people.member, today=TODAY)
    fake_renderer.side_effect = real_write_pdf
    ProgressUpdateFactory(
        action=plan.green, date=datetime.date(2026, 9, 1), text="Workshop held with schools"
    )
    second, created = request_pack(people.board, q2, people.member, today=TODAY)
    assert created and second.pk != first.pk and second.input_hash != first.input_hash
    assert "Workshop held with schools" in normalise(pdf_text(second.pdf.path))


def test_an_old_pack_reprints_from_its_snapshot_not_live_data(people, q2, fake_renderer):
    plan = make_pack_plan(people.board)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    fake_renderer.side_effect = real_write_pdf
    plan.red.description = "Renamed after the pack was issued"
    plan.red.save()
    text = normalise(pdf_text_of(reprint(pack), pack))
    assert "Audit the red action" in text and "Renamed after the pack" not in text
    annex = normalise(pdf_text_of(reprint_annex(pack), pack))
    assert "Audit the red action" in annex and "Renamed after the pack" not in annex


def pdf_text_of(content: bytes, pack) -> str:
    import pathlib
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "reprint.pdf"
        path.write_bytes(content)
        return pdf_text(path)


def test_slipped_deadlines_come_from_the_due_date_ledger(people, q2):
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)):
        plan = make_pack_plan(people.board)
    with time_machine.travel(datetime.datetime(2026, 8, 20, 12, tzinfo=datetime.UTC)):
        # moved later, within Q2
        change_due_date(plan.green, datetime.date(2027, 3, 31), user=people.manager, reason="Agreed")
    with time_machine.travel(datetime.datetime(2026, 10, 5, 12, tzinfo=datetime.UTC)):
        # moved later, but after Q2
        change_due_date(
            plan.due_next_quarter, datetime.date(2027, 1, 31), user=people.manager, reason="Agreed"
        )
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    slipped = pack.snapshot["plan"]["slipped"]
    assert [(s["action_id"], s["from"], s["to"]) for s in slipped] == [
        (plan.green.pk, "2026-12-31", "2027-03-31")
    ]
    green = next(a for a in _actions(pack.snapshot) if a["id"] == plan.green.pk)
    assert green["original_due_date"] == "2026-12-31" and green["due_date"] == "2027-03-31"
    assert "Keep the green action going" in normalise(pdf_text(pack.pdf.path)).split("Slipped deadlines")[1]


def _actions(snapshot):
    return [
        a
        for p in snapshot["plan"]["plans"]
        for ar in p["areas"]
        for o in ar["objectives"]
        for a in o["actions"]
    ]


def test_the_next_pack_says_what_changed_since_the_last(people, q2):
    from packs.periods import next_quarter

    plan = make_pack_plan(people.board)
    with mock.patch.object(generation, "write_pdf", return_value=FAKE_PDF):  # only its snapshot matters
        request_pack(people.board, q2, people.member, today=datetime.date(2026, 8, 15))
    plan.green.rag = Rag.AMBER
    plan.green.save()
    plan.red.status, plan.red.rag, plan.red.completed_on = "complete", Rag.BLUE, datetime.date(2026, 10, 10)
    plan.red.save()
    plan.indicator.values.create(
        period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 12, 31),
        period_label="Q3 2026/27",
        value=12,
    )
    q3 = next_quarter(q2)
    pack, _ = request_pack(people.board, q3, people.member, today=datetime.date(2027, 1, 5))
    changes = pack.snapshot["changes"]
    assert {(m["id"], m["from"], m["to"]) for m in changes["rag_moves"]} == {
        (plan.green.pk, "Green", "Amber"),
        (plan.red.pk, "Red", "Blue (complete)"),
    }
    assert [a["id"] for a in changes["newly_completed"]] == [plan.red.pk]
    # Due 31 Aug, 30 Nov and 31 Dec 2026: none overdue on 15 Aug, all three by January.
    assert {a["id"] for a in changes["newly_overdue"]} == {
        plan.overdue.pk,
        plan.due_next_quarter.pk,
        plan.green.pk,
    }
    assert [(v["label"], v["value"], v["before"]) for v in changes["indicator_values"]] == [
        ("Q3 2026/27", "12", "14")
    ]
    text = normalise(pdf_text(pack.pdf.path)).split("What changed since the last pack")[-1]
    assert "Green → Amber" in text and "Newly completed" in text and "Q3 2026/27" in text


def test_a_failed_render_is_recorded_and_can_be_asked_again(people, q2):
    make_pack_plan(people.board)
    with mock.patch.object(generation, "write_pdf", side_effect=RuntimeError("Pango exploded")):
        pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    assert pack.status == PackStatus.FAILED and "Pango exploded" in pack.error and not pack.pdf
    with mock.patch.object(generation, "write_pdf", return_value=FAKE_PDF):
        again, created = request_pack(people.board, q2, people.member, today=TODAY)
    assert created and again.status == PackStatus.DONE


def test_a_new_pack_is_queued_for_a_worker_after_commit_and_not_made_in_the_request(
    people, q2, queued_packs, django_capture_on_commit_callbacks
):
    make_pack_plan(people.board)
    with (
        mock.patch("safeguarding.queueing.current_app") as celery_app,
        mock.patch.object(generation, "make_pack") as make_pack,
        django_capture_on_commit_callbacks(execute=True),
    ):
        pack, created = request_pack(people.board, q2, people.member, today=TODAY)
    assert created and pack.status == PackStatus.QUEUED
    celery_app.send_task.assert_called_once_with("packs.generate_pack", args=[pack.pk], ignore_result=True)
    make_pack.assert_not_called()


def test_the_queued_task_name_is_the_workers_task():
    from packs.tasks import generate_pack

    assert generate_pack.name == generation.GENERATE_PACK_TASK


def test_gathering_runs_a_fixed_number_of_queries_whatever_the_plan_size(
    people, q2, django_assert_num_queries
):
    """No query per action, objective or indicator: the 1,000-action bench plan gathers as fast as this one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from packs.gather import gather_snapshot
    from tests.factories import ActionFactory

    plan = make_pack_plan(people.board)
    make_board_business(people.board, plan)  # a review, meetings with decisions, a framework
    with CaptureQueriesContext(connection) as small:
        gather_snapshot(people.board, q2, TODAY)
    for _ in range(10):
        ActionFactory(objective=plan.red.objective)
        ActionFactory(objective__priority_area=plan.red.objective.priority_area)
    more = make_pack_plan(people.board, prefix="More ")  # a second plan, objective and indicator
    make_board_business(people.board, more, prefix="More ")  # and a second review, meetings, framework
    with django_assert_num_queries(len(small)):
        snapshot = gather_snapshot(people.board, q2, TODAY)
    assert len(snapshot["plan"]["plans"]) == 2 and len(snapshot["indicators"]) == 2
    assert len(snapshot["reviews"]) == 2 and len(snapshot["earlier_meetings"]["open_actions_arising"]) == 2


def test_a_pack_no_worker_finished_is_made_afresh_when_asked_again(people, q2, queued_packs, fake_renderer):
    make_pack_plan(people.board)
    with mock.patch("safeguarding.queueing.current_app"):
        queued, _ = request_pack(people.board, q2, people.member, today=TODAY)
        assert request_pack(people.board, q2, people.member, today=TODAY) == (queued, False)  # still in hand
        BoardPack.objects.filter(pk=queued.pk).update(
            created_at=queued.created_at - generation.PACK_STALE_AFTER - datetime.timedelta(seconds=1)
        )
        fresh, created = request_pack(people.board, q2, people.member, today=TODAY)
    queued.refresh_from_db()
    assert created and fresh.pk != queued.pk and queued.status == PackStatus.FAILED


def test_a_pack_that_killed_the_worker_three_times_is_failed_with_a_clear_message(people, q2, queued_packs):
    make_pack_plan(people.board)
    with mock.patch("safeguarding.queueing.current_app"):
        pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    BoardPack.objects.filter(pk=pack.pk).update(status=PackStatus.RENDERING, attempts=generation.MAX_ATTEMPTS)
    generation.make_pack(pack.pk)  # the redelivered task, once more
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED
    assert pack.error == "The worker stopped while making this pack 3 times."
    assert pack.progress_message.startswith("The pack could not be made. Ask again")


def test_a_done_pack_whose_file_is_gone_does_not_say_it_is_ready(client, people, q2, fake_renderer):
    make_pack_plan(people.board)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    assert pack.status == PackStatus.DONE and not pack.file_is_missing
    pack.pdf.storage.delete(pack.pdf.name)
    client.force_login(people.member)
    page = client.get(pack.get_absolute_url()).text
    assert "The PDF of this pack is missing" in page and "Your pack is ready" not in page
    assert client.get(reverse("packs:download", args=[pack.pk])).status_code == 404


def test_the_pack_is_done_only_once_its_annex_is_stored_whichever_part_finishes_last(
    people, q2, fake_renderer, monkeypatch
):
    """The pack and its full-plan annex are made by two tasks at once; each records its
    file, and the one that finds both stored (under a row lock) marks the pack done."""
    make_pack_plan(people.board)
    sent = []
    monkeypatch.setattr(generation, "dispatch_annex", lambda pack_id: sent.append(pack_id) or True)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    pack.refresh_from_db()
    assert sent == [pack.pk] and pack.has_annex  # the annex went to the worker's other process
    assert pack.pdf and not pack.annex_pdf and pack.status == PackStatus.RENDERING  # never done without it
    assert pack.progress_message == (
        "The pack: stored, 3 pages. The full plan annex: waiting for a second worker process."
    )
    generation.make_annex(pack.pk)
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE and pack.annex_pdf and pack.annex_pages == 3
    assert pack.progress_message == "Ready: 3 pages, and the full plan annex of 3 pages."
    assert not pack.file_is_missing
    generation.make_annex(pack.pk)  # a redelivered annex task: nothing happens
    assert fake_renderer.call_count == 2


def test_the_annex_finishing_first_leaves_the_pack_to_finish_it(people, q2, fake_renderer, monkeypatch):
    make_pack_plan(people.board)
    monkeypatch.setattr(generation, "dispatch", lambda pack: None)  # nothing made yet
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    BoardPack.objects.filter(pk=pack.pk).update(has_annex=True)
    generation.make_annex(pack.pk)
    pack.refresh_from_db()
    assert pack.annex_pdf and pack.status == PackStatus.QUEUED and not pack.is_finished
    monkeypatch.setattr(generation, "dispatch_annex", mock.Mock(side_effect=AssertionError("sent twice")))
    generation.make_pack(pack.pk)  # the annex is stored: not sent again, and the pack finishes
    pack.refresh_from_db()
    assert pack.status == PackStatus.DONE and pack.pages == 3 and pack.annex_pages == 3


def test_a_failed_annex_fails_the_pack_with_a_clear_message_and_the_pack_part_does_not_undo_it(
    people, q2, monkeypatch
):
    make_pack_plan(people.board)

    def renderer(source, on_step=None, **sharing):
        if isinstance(source, AnnexSource):  # the annex is laid out in parts, as the pack is
            raise RuntimeError("Pango exploded on the annex")
        return FAKE_PDF

    monkeypatch.setattr(generation, "write_pdf", renderer)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED and not pack.pdf  # the pack part found it failed and stopped
    assert pack.progress_message.startswith("The pack's full plan annex could not be made. Ask again")
    assert pack.error == "Annex: RuntimeError: Pango exploded on the annex"
    assert not BoardPack.objects.done().exists()


def test_an_annex_that_killed_the_worker_three_times_fails_the_pack(people, q2, queued_packs):
    make_pack_plan(people.board)
    with mock.patch("safeguarding.queueing.current_app"):
        pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    BoardPack.objects.filter(pk=pack.pk).update(
        status=PackStatus.RENDERING, has_annex=True, annex_attempts=generation.MAX_ATTEMPTS
    )
    generation.make_annex(pack.pk)  # the redelivered annex task, once more
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED
    assert pack.error == "The worker stopped while making this pack's annex 3 times."
    assert pack.progress_message.startswith("The pack's full plan annex could not be made")


def test_the_progress_says_what_each_part_is_doing(people, q2, monkeypatch):
    """The pack page shows one message saying what both processes are doing."""
    make_pack_plan(people.board)
    said = []

    def renderer(html, on_step=None, **sharing):
        on_step("writing 3 pages as PDF")
        said.append(BoardPack.objects.get().progress_message)
        return FAKE_PDF

    monkeypatch.setattr(generation, "write_pdf", renderer)
    monkeypatch.setattr(generation, "dispatch_annex", lambda pack_id: True)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    assert said == [
        "The pack: writing 3 pages as PDF. The full plan annex: waiting for a second worker process."
    ]
    generation.make_annex(pack.pk)
    assert said[1] == "The pack: stored, 3 pages. The full plan annex: writing 3 pages as PDF."


def test_a_pack_without_a_plan_has_no_annex(people, q2, fake_renderer):
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    assert pack.status == PackStatus.DONE and not pack.has_annex and not pack.annex_pdf
    assert fake_renderer.call_count == 1 and pack.progress_message == "Ready: 3 pages."


def test_an_annex_whose_message_was_lost_is_sent_again_by_the_sweep(people, q2, fake_renderer, monkeypatch):
    """The pack part is made and waits for an annex no worker started (its message lost with
    a Redis restart): the sweep sends the annex task again, once per RESEND_AFTER, and leaves
    alone an annex that was sent lately, or that a worker has started."""
    make_pack_plan(people.board)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    now = pack.created_at + datetime.timedelta(hours=1)
    long_ago = now - generation.RESEND_AFTER - datetime.timedelta(minutes=1)
    waiting = dict(
        status=PackStatus.RENDERING,
        has_annex=True,
        pdf="packs/made.pdf",
        annex_pdf="",
        annex_attempts=0,
        sent_to_worker_at=long_ago,
        finished_at=None,
    )
    BoardPack.objects.filter(pk=pack.pk).update(**waiting, annex_sent_at=long_ago)
    started = request_pack(people.other_board, q2, people.member, today=TODAY)[0]
    BoardPack.objects.filter(pk=started.pk).update(**{**waiting, "annex_attempts": 1}, annex_sent_at=long_ago)
    sent_tasks = []
    monkeypatch.setattr(
        generation, "send_now", lambda name, args, **kw: sent_tasks.append((name, args)) or True
    )

    assert generation.send_unsent_packs(now) == [pack.pk]
    assert sent_tasks == [(generation.GENERATE_ANNEX_TASK, [pack.pk])]
    assert BoardPack.objects.get(pk=pack.pk).annex_sent_at == now
    # Sent just now: not again until RESEND_AFTER has passed.
    assert generation.send_unsent_packs(now + datetime.timedelta(minutes=1)) == []
    assert generation.send_unsent_packs(now + generation.RESEND_AFTER + datetime.timedelta(minutes=1)) == [
        pack.pk
    ]


def test_the_annex_task_records_when_it_was_sent(people, q2, monkeypatch):
    from tests.packs.conftest import DISPATCH_ANNEX_TO_WORKER

    make_pack_plan(people.board)
    with mock.patch.object(generation, "dispatch"):
        pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    monkeypatch.setattr(generation, "dispatch_annex", DISPATCH_ANNEX_TO_WORKER)  # the real one
    monkeypatch.setattr(generation, "send_now", lambda name, args, **kw: True)
    assert generation.dispatch_annex(pack.pk)
    assert BoardPack.objects.get(pk=pack.pk).annex_sent_at is not None
    monkeypatch.setattr(generation, "send_now", lambda name, args, **kw: False)  # Redis down
    BoardPack.objects.filter(pk=pack.pk).update(annex_sent_at=None)
    assert not generation.dispatch_annex(pack.pk)
    assert BoardPack.objects.get(pk=pack.pk).annex_sent_at is None
