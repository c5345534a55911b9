"""safeguarding.tagged_pdf closes the gaps WeasyPrint 70 leaves in a PDF/UA-1 file, on a
small document made for the purpose (the board pack's own test is tests/packs/test_pdf_ua.py)."""

import pytest

from safeguarding.tagged_pdf import finish_tagged_pdf
from tests.pdf_ua import assert_accessible_pdf, inspect_tagged_pdf

SOURCE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Tagged test</title>
<style>
@page { size: A5; margin: 20mm 10mm;
  @top-center { content: "OFFICIAL"; } @bottom-right { content: "Page " counter(page) " of " counter(pages); } }
h2 { break-before: page; }
</style></head><body>
<h1>Test document</h1>
<p>See <a href="#second">the second part</a> or <a href="https://example.org/guide">the guide</a>.</p>
<table><caption>Counts</caption>
<thead><tr><th scope="col">Board</th><th scope="col">Actions</th></tr></thead>
<tbody><tr><th scope="row">SSCB</th><td>4</td></tr><tr><th scope="row">SSAB</th><td>7</td></tr></tbody></table>
<h2 id="second">Second part</h2>
<p>  <span> </span> Text after empty spans. </p>
</body></html>"""


def render(tmp_path, finish: bool):
    from weasyprint import HTML

    content = HTML(string=SOURCE).write_pdf(pdf_variant="pdf/ua-1")
    path = tmp_path / ("finished.pdf" if finish else "raw.pdf")
    path.write_bytes(finish_tagged_pdf(content, SOURCE) if finish else content)
    return path


@pytest.fixture
def finished(tmp_path):
    return assert_accessible_pdf(render(tmp_path, finish=True))


def test_weasyprints_own_output_has_the_gaps_the_checks_look_for(tmp_path):
    problems = "\n".join(inspect_tagged_pdf(render(tmp_path, finish=False)).problems)
    assert "belongs to no element of the structure tree" in problems  # the margin boxes
    assert "has no readable description ('second')" in problems
    assert "(/TH) has no /Scope" in problems


def test_margin_boxes_become_header_and_footer_artifacts(finished):
    assert finished.header_text == ["OFFICIAL", "OFFICIAL"]
    assert finished.footer_text == ["Page 1 of 2", "Page 2 of 2"]
    assert "OFFICIAL" not in " ".join(finished.content_text) and "Page" not in " ".join(finished.content_text)


def test_links_are_described_by_their_words_and_where_they_lead(finished):
    assert [(link["words"], link["description"]) for link in finished.links] == [
        ("the second part", "the second part, page 2"),
        ("the guide", "the guide (https://example.org/guide)"),
    ]


def test_header_cells_get_the_scope_of_the_cells_that_name_them(tmp_path):
    import pikepdf

    with pikepdf.open(render(tmp_path, finish=True)) as pdf:
        scopes = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop(0)
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid)
            if node.get("/S") == pikepdf.Name("/TH"):
                scopes.append(str(node.A.Scope))
    assert sorted(scopes) == ["/Column", "/Column", "/Row", "/Row"]


def test_an_untagged_pdf_is_left_as_it_is():
    from weasyprint import HTML

    content = HTML(string=SOURCE).write_pdf()
    assert finish_tagged_pdf(content, SOURCE) == content


def test_the_line_by_line_rewrite_gives_what_the_full_parser_gives(tmp_path, monkeypatch):
    """WeasyPrint's streams are rewritten line by line for speed; pikepdf's parser is the
    fallback for any other stream. Both must leave the same instructions on every page."""
    import io

    import pikepdf
    from weasyprint import HTML

    from safeguarding import tagged_pdf

    raw = HTML(string=SOURCE).write_pdf(pdf_variant="pdf/ua-1")
    by_lines = finish_tagged_pdf(raw, SOURCE)
    monkeypatch.setattr(tagged_pdf, "_rewrite_lines", lambda *args: None)
    parsed = finish_tagged_pdf(raw, SOURCE)

    def instructions(content: bytes) -> list[bytes]:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            return [pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)) for page in pdf.pages]

    assert instructions(by_lines) == instructions(parsed)
    assert instructions(by_lines) != instructions(raw)  # the rewrite did change the pages
    path = tmp_path / "lines.pdf"
    path.write_bytes(by_lines)
    assert_accessible_pdf(path)


def test_a_stream_with_literal_strings_goes_through_the_full_parser():
    from safeguarding.tagged_pdf import _rewrite_lines

    assert _rewrite_lines(b"BT\n(EMC\nBDC) Tj\nET", None, set()) is None
