"""The pack is laid out section by section and joined (packs.rendering.PackSource), so
that a long plan needs only its largest section's memory (issue 18, point 5). Joined, it
is the pack one document made: the same pages, words, page numbers, contents and outline.
Accessibility of the joined pack: tests/packs/test_pdf_ua.py; the join itself:
tests/safeguarding/test_pdf_join.py."""

import subprocess

import pikepdf
import pytest

from packs.generation import annex_url, request_pack
from packs.models import PackStatus
from packs.rendering import render_print_html, write_pdf
from packs.sections import build_sections, split_off_annex
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
