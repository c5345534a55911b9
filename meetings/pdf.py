"""A board report as a PDF in the council layout, rendered by WeasyPrint.

The PDF has its own small print stylesheet (meetings/print/board_report.css), not
the GOV.UK Frontend CSS: large frameworks slow WeasyPrint down and are made for
screens. A report is two to five pages, about a second to render, so it is drawn
in the request; board packs, which are long, render in the worker.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from safeguarding import heavy_renders

from .models import BoardReport
from .report_format import CONTACT_HEADING, report_sections

STYLESHEET = Path(__file__).parent / "print" / "board_report.css"


def report_html(report: BoardReport) -> str:
    agenda_item = report.agenda_items.filter(meeting=report.meeting).first() if report.meeting_id else None
    return render_to_string(
        "meetings/report_pdf.html",
        {
            "report": report,
            "sections": report_sections(report),
            "contact_heading": CONTACT_HEADING,
            "agenda_item": agenda_item,
        },
    )


def report_pdf_from_html(html: str) -> bytes:
    # Imported here: WeasyPrint is slow to import and only this view needs it.
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def report_pdf(report: BoardReport) -> bytes:
    return report_pdf_from_html(report_html(report))


def report_pdf_key(html: str) -> str:
    """The shared-cache key of the PDF drawn from ``html`` (``heavy_renders.pdf_key``)."""
    return heavy_renders.pdf_key("report-pdf", html, STYLESHEET, __file__)
