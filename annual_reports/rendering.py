"""An approved report as a tagged PDF (WeasyPrint's PDF/UA-1 variant, finished by
safeguarding.tagged_pdf as board packs are) and as a Word document (python-docx).

Both are made from the same print HTML, so the PDF, the Word file and the public page say
the same thing: the Word document is written by walking that HTML's headings, paragraphs,
lists and tables into Word's own heading styles and tables (a screen reader and Word's
navigation pane find the structure). Charts are left out of the Word file; the table of
figures under each chart carries every value.

Only the worker calls these (annual_reports.publishing): a report of a 1,000-action board
runs to tens of pages (bench/yearly_report.py).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from lxml import html as lxml_html

from .models import AnnualReport
from .sections import display_sections

PRINT_CSS = Path(__file__).parent / "print" / "report.css"


def print_html(report: AnnualReport) -> str:
    return render_to_string(
        "annual_reports/print/report.html",
        {
            "report": report,
            "facts": report.facts,
            "items": display_sections(report, list(report.sections.all())),
        },
    )


def render_pdf(report: AnnualReport, html: str | None = None) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time the web process never needs

    from safeguarding.tagged_pdf import finish_tagged_pdf

    html = html or print_html(report)
    variant = settings.PACKS_PDF_VARIANT or None
    document = HTML(string=html, base_url=str(Path(__file__).parent)).render(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant=variant
    )
    content = document.write_pdf(pdf_variant=variant)
    if variant and variant.startswith("pdf/ua"):
        # Running headers as artifacts, readable link descriptions, no empty spans.
        content = finish_tagged_pdf(content, html)
    return content, len(document.pages)


# Words only a screen shows (column labels of phone cards, links to edit) or that the Word
# file says otherwise; and the contents page, which Word's navigation pane replaces.
LEFT_OUT = re.compile(r"\b(app-card-label|ar-screen-only|govuk-visually-hidden|ar-chart|ar-contents-page)\b")
HEADING_LEVELS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3}


def _text(element) -> str:
    parts = []

    def walk(node) -> None:
        if isinstance(node.tag, str) and LEFT_OUT.search(node.get("class", "")):
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag == "br":
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def render_docx(report: AnnualReport, html: str | None = None) -> bytes:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    html = html or print_html(report)
    document = Document()
    document.core_properties.title = report.title
    document.core_properties.author = report.board.name
    document.core_properties.language = "en-GB"
    # The language of the text, for spelling and for screen readers' voices.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_properties = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if run_properties is not None:
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), "en-GB")
            run_properties.append(lang)

    def add_table(table_element) -> None:
        rows = table_element.findall(".//tr")
        if not rows:
            return
        width = max(len(row.findall("./th") + row.findall("./td")) for row in rows)
        table = document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for row in rows:
            cells = row.findall("./th") + row.findall("./td")
            cells.sort(key=lambda cell: list(row).index(cell))
            docx_row = table.add_row()
            for index, cell in enumerate(cells[:width]):
                docx_row.cells[index].text = _text(cell)
            if row.getparent().tag == "thead":
                # Repeat the header row on each page, and mark it as the table's header.
                properties = docx_row._tr.get_or_add_trPr()
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                properties.append(header)
                for docx_cell in docx_row.cells:
                    for run in (r for p in docx_cell.paragraphs for r in p.runs):
                        run.bold = True
        document.add_paragraph()

    def add_facts(dl) -> None:
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for row in dl.findall("./div"):
            term, value = row.find("dt"), row.find("dd")
            cells = table.add_row().cells
            cells[0].text = _text(term) if term is not None else ""
            cells[1].text = _text(value) if value is not None else ""
        document.add_paragraph()

    def walk(element) -> None:
        for child in element:
            if not isinstance(child.tag, str) or LEFT_OUT.search(child.get("class", "")):
                continue
            tag = child.tag
            if tag in HEADING_LEVELS:
                document.add_heading(_text(child), level=HEADING_LEVELS[tag])
            elif tag == "p":
                text = _text(child)
                if text:
                    document.add_paragraph(text)
            elif tag in ("ul", "ol"):
                style = "List Bullet" if tag == "ul" else "List Number"
                for item in child.findall("./li"):
                    document.add_paragraph(_text(item), style=style)
            elif tag == "table":
                caption = child.find("caption")
                if caption is not None and not LEFT_OUT.search(caption.get("class", "")):
                    document.add_paragraph(_text(caption)).runs[0].bold = True
                add_table(child)
            elif tag == "dl":
                add_facts(child)
            elif tag in ("section", "div", "nav", "main", "header", "footer"):
                walk(child)

    walk(lxml_html.document_fromstring(html).body)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
