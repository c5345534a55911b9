"""Turn section data into HTML, and HTML into a PDF with WeasyPrint.

The PDF gets its own small print stylesheet (packs/static/packs/print.css), not
the GOV.UK Frontend CSS: large stylesheets slow WeasyPrint down, and the print
layout uses tables and floats only (flexbox is far slower there; see FIELD-NOTES).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from .periods import PackPeriod
from .sections import SectionData

PRINT_CSS = Path(__file__).parent / "static" / "packs" / "print.css"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def pack_title(snapshot: dict[str, Any]) -> str:
    return f"{snapshot['board']['short_name']} board pack: {snapshot['period']['label']}"


def annex_title(snapshot: dict[str, Any]) -> str:
    return f"{pack_title(snapshot)}, annex: the full business plan"


def render_print_html(period: PackPeriod, snapshot: dict[str, Any], sections: list[SectionData]) -> str:
    return render_to_string(
        "packs/print/pack.html",
        {
            "sections": sections,
            "snapshot": snapshot,
            "period": period,
            "title": pack_title(snapshot),
            "print": True,
        },
    )


def render_annex_html(
    period: PackPeriod, snapshot: dict[str, Any], appendix: SectionData, pack_url: str
) -> str:
    """The full-plan annex: its own title page, then the seven-column plan, landscape."""
    return render_to_string(
        "packs/print/annex.html",
        {
            "section": appendix,
            "snapshot": snapshot,
            "period": period,
            "title": annex_title(snapshot),
            "pack_title": pack_title(snapshot),
            "pack_url": pack_url,
            "as_of": datetime.date.fromisoformat(snapshot["as_of"]),
            "print": True,
        },
    )


def write_pdf(html: str, on_step: Callable[[str], None] | None = None) -> RenderedPdf:
    """Lay out and write the PDF; the only function that calls WeasyPrint. ``on_step`` is
    told each step once the pages are known, for the progress the pack page shows."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time the web process rarely needs

    from safeguarding.pdf_speed import cache_page_references
    from safeguarding.tagged_pdf import finish_tagged_pdf  # and so does loading qpdf

    say = on_step or (lambda step: None)
    cache_page_references()  # tagging a long pack otherwise costs elements × pages
    variant = settings.PACKS_PDF_VARIANT or None
    document = HTML(string=html, base_url=str(Path(__file__).parent)).render(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant=variant
    )
    pages = len(document.pages)
    say(f"writing {pages} pages as PDF")
    finishing = bool(variant and variant.startswith("pdf/ua"))
    # finish_tagged_pdf reads every stream and compresses them as it saves: compressing
    # them here as well would be work thrown away.
    content = document.write_pdf(pdf_variant=variant, uncompressed_pdf=finishing)
    del document  # the laid-out pages are the bulk of the memory; the tagging below needs only the bytes
    if finishing:
        # Running headers as artifacts, readable link descriptions, no empty spans.
        say(f"tagging {pages} pages for screen readers (PDF/UA)")
        content = finish_tagged_pdf(content, html)
    return RenderedPdf(content=content, pages=pages)
