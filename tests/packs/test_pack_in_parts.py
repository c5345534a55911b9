"""The pack (and its full-plan annex, area by area) is laid out section by section and joined (packs.rendering.PackSource), so
that a long plan needs only its largest section's memory (issue 18, point 5). Joined, it
is the pack one document made: the same pages, words, page numbers, contents and outline.
Accessibility of the joined pack: tests/packs/test_pdf_ua.py; the join itself:
tests/safeguarding/test_pdf_join.py."""

import subprocess

import pikepdf
import pytest

from packs import rendering
from packs.generation import annex_url, request_pack
from packs.models import PackStatus
from packs.rendering import AnnexSource, render_print_html, write_pdf
from packs.sections import build_sections, plan_appendix, split_off_annex
from tests.factories import ActionFactory, PriorityAreaFactory
from tests.packs.conftest import TODAY
from tests.packs.factories import make_pack_plan

pytestmark = pytest.mark.django_db


def page_texts(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return [" ".join(page.split()) for page in text.stdout.split("\f")]


def outline(path) -> list[tuple[int, str, int]]:
    with pikepdf.open(path) as pdf, pdf.open_outline() as tree:
        found = []

        def walk(items, depth):
            for item in items:
                found.append((depth, item.title, pdf.pages.index(pikepdf.Page(item.destination[0])) + 1))
                walk(item.children, depth + 1)

        walk(tree.root, 0)
    return found


def test_the_pack_laid_out_in_parts_is_the_pack_one_document_makes(people, q2, tmp_path):
    make_pack_plan(people.board)
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    assert pack.status == PackStatus.DONE, pack.error
    sections, _annex = split_off_annex(
        build_sections(pack.board, pack.period, pack.snapshot), annex_url(pack)
    )
    assert len(sections) > 5  # parts: every section is one, the contents laid out last
    whole = tmp_path / "whole.pdf"
    # One document, as the pack was made before it was laid out in parts.
    whole.write_bytes(write_pdf(render_print_html(pack.period, pack.snapshot, sections)).content)
    parts, one = page_texts(pack.pdf.path), page_texts(whole)
    assert len(parts) == len(one) and pack.pages == len(one) - 1  # pdftotext ends with a page break
    differing = [n for n, (a, b) in enumerate(zip(parts, one, strict=True)) if a != b]
    assert not differing, [(parts[n], one[n]) for n in differing]
    for number, text in enumerate(parts[:-1], start=1):
        assert text.endswith(f"Page {number} of {pack.pages}"), text  # the footer drawn afterwards
        assert number == 1 or text.startswith(people.board.name)  # the running header, but on the cover
    assert outline(pack.pdf.path) == outline(whole)
    contents = parts[1]
    assert "Contents" in contents and "Progress in the period" in contents
    for depth, title, page in outline(whole):
        if depth == 0 and title != "Contents":
            assert f"{title} " in contents and title in parts[page - 1]


def test_the_annex_laid_out_in_parts_is_the_annex_one_document_makes(people, q2, tmp_path, monkeypatch):
    plan = make_pack_plan(people.board).red.objective.priority_area.plan
    for title in ("Second area", "Third area"):  # each area after the first starts a page: a part may
        ActionFactory(objective__priority_area=PriorityAreaFactory(plan=plan, title=title))
    make_pack_plan(people.board, prefix="Later ")  # a second plan, its heading on the last area's page
    pack, _ = request_pack(people.board, q2, people.member, today=TODAY)
    assert pack.status == PackStatus.DONE, pack.error
    appendix = plan_appendix(pack.board, pack.period, pack.snapshot)
    source = AnnexSource(pack.period, pack.snapshot, appendix, "https://example.org/pack")
    assert len(appendix.context["plans"]) == 2
    monkeypatch.setattr(rendering, "PART_HTML_SIZE", 1)  # every part as small as it may be
    parts, _htmls = source.parts()
    assert len(parts) == 3  # the cover and first area; the second; the third with the second plan
    in_parts, whole = tmp_path / "parts.pdf", tmp_path / "whole.pdf"
    in_parts.write_bytes(write_pdf(source).content)
    whole.write_bytes(write_pdf(source.html()).content)  # one document, as the annex was made before
    split, one = page_texts(in_parts), page_texts(whole)
    assert len(split) == len(one) == 5  # cover, three areas, pdftotext's last page break
    differing = [n for n, (a, b) in enumerate(zip(split, one, strict=True)) if a != b]
    assert not differing, [(split[n], one[n]) for n in differing]
    for number, text in enumerate(split[:-1], start=1):
        assert text.endswith(f"Page {number} of 4"), text
        assert number == 1 or text.startswith(people.board.name)
    assert outline(in_parts) == outline(whole)
    assert [depth for depth, _title, _page in outline(whole)] == [0, 1, 1]  # the plans under the section
    with pikepdf.open(in_parts) as pdf, pikepdf.open(whole) as reference:
        assert int(pdf.Root.Outlines.Count) == int(reference.Root.Outlines.Count)
        names = [sorted(pikepdf.NameTree(p.Root.Names.Dests).keys()) for p in (pdf, reference)]
        assert names[0] == names[1] and "appendix-plan" in names[0]
