"""safeguarding.pdf_join makes one tagged PDF of documents WeasyPrint laid out one by one
(the board pack's own test is tests/packs/test_pack_in_parts.py)."""

import io

import pikepdf

from safeguarding.pdf_join import join_tagged_pdfs
from safeguarding.tagged_pdf import finish_tagged_pdf
from tests.pdf_ua import assert_accessible_pdf

STYLE = """<style>
@page { size: A5; margin: 20mm 10mm; @top-center { content: "OFFICIAL"; } }
h2 { break-before: page; bookmark-level: 1; } h3 { bookmark-level: 2; }
</style>"""
TABLE = """<table><caption>{caption}</caption>
<thead><tr><th scope="col">Board</th><th scope="col">Actions</th></tr></thead>
<tbody><tr><td>SSCB</td><td>4</td></tr></tbody></table>"""
FIRST = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Joined</title>{STYLE}</head>
<body><h1>Test document</h1>
<p>See <a href="#second">the second part</a>.</p><div id="second"></div>
{TABLE.format(caption="First counts")}
<h2 id="first-end">First part, last page</h2></body></html>"""
SECOND = f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Joined</title>{STYLE}</head>
<body><h2 id="second">Second part</h2><h3>A heading under it</h3>
<p>Read <a href="https://example.org/guide">the guide</a>.</p>
{TABLE.format(caption="Second counts")}</body></html>"""
FOOTERS = """<!DOCTYPE html><html lang="en-GB"><head><style>
@page { size: A5; margin: 20mm 10mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); } }
div + div { break-before: page; }</style></head><body><div></div><div></div><div></div></body></html>"""


def joined(tmp_path):
    from weasyprint import HTML

    parts = [
        HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True) for html in (FIRST, SECOND)
    ]
    content = join_tagged_pdfs(parts, [{"second"}, set()], HTML(string=FOOTERS).write_pdf())
    path = tmp_path / "joined.pdf"
    path.write_bytes(finish_tagged_pdf(content, [FIRST, SECOND]))
    return path


def test_the_joined_pdf_is_one_accessible_document_with_its_footers_as_artifacts(tmp_path):
    path = joined(tmp_path)
    report = assert_accessible_pdf(path)  # one structure tree, parent tree, links with /Link elements
    assert len(report.content_text) == 3
    assert "Second part" in report.content_text[2] and "Test document" in report.content_text[0]
    assert [report.footer_text[n] for n in range(3)] == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    assert not any("Page" in text for text in report.content_text)


def test_a_link_to_another_part_leads_to_its_anchor_there_not_to_the_stand_in(tmp_path):
    report = assert_accessible_pdf(joined(tmp_path))
    [link] = [link for link in report.links if link["target"] == "second"]
    assert link["description"] == "the second part, page 3", link
    with pikepdf.open(joined(tmp_path)) as pdf:
        names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
        assert pdf.pages.index(pikepdf.Page(names["second"][0])) == 2
        assert pdf.pages.index(pikepdf.Page(names["first-end"][0])) == 1


def test_the_outline_has_every_parts_bookmarks_in_order_with_their_pages(tmp_path):
    with pikepdf.open(joined(tmp_path)) as pdf, pdf.open_outline() as outline:
        found = [
            (item.title, pdf.pages.index(pikepdf.Page(item.destination[0])), [c.title for c in item.children])
            for item in outline.root
        ]
    assert found == [
        ("Test document", 0, []),
        ("First part, last page", 1, []),
        ("Second part", 2, ["A heading under it"]),
    ]


def test_table_header_ids_stay_unique_and_each_cell_names_its_own_tables_header(tmp_path):
    with pikepdf.open(joined(tmp_path)) as pdf:
        ids, headers = [], []
        stack = list(pdf.Root.StructTreeRoot.K)
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                continue
            if "/ID" in node:
                ids.append(bytes(node.ID))
            attributes = node.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                headers.extend(bytes(h) for h in attributes.Headers)
            kids = node.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
    assert len(ids) == 4 and len(set(ids)) == 4
    assert set(headers) == set(ids)


def test_one_part_is_returned_as_it_was(tmp_path):
    from weasyprint import HTML

    part = HTML(string=FIRST).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True)
    with pikepdf.open(io.BytesIO(join_tagged_pdfs([part]))) as pdf:
        assert len(pdf.pages) == 2 and "/StructTreeRoot" in pdf.Root
