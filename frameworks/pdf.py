"""A framework of cooperation as a printable PDF (WeasyPrint), with its governance diagram.

The same inline SVG as the web page: WeasyPrint draws SVG natively, and the
diagram's line styles keep it readable on a black-and-white printer. Its own small
print stylesheet, not the GOV.UK screen CSS.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from safeguarding import heavy_renders

from .diagram import EDGE_STYLES, DiagramError, governance_svg
from .models import Framework, RelationshipKind

STYLESHEET = Path(__file__).parent / "print" / "framework.css"


def framework_html(framework: Framework) -> str:
    framework_boards = list(
        framework.framework_boards.consented().select_related("board").prefetch_related("responsibilities")
    )
    latest = framework.latest_decisions()
    for fb in framework_boards:
        fb.latest_decision = latest.get(fb.board_id)
    try:
        svg = governance_svg(framework)
    except DiagramError:
        svg = ""
    return render_to_string(
        "frameworks/pdf.html",
        {
            "framework": framework,
            "framework_boards": framework_boards,
            "relationships": framework.relationships.select_related("from_board", "to_board"),
            "shared_functions": framework.shared_functions.prefetch_related("boards"),
            "svg": svg,
            "edge_styles": [
                (RelationshipKind(kind).label, style.legend) for kind, style in EDGE_STYLES.items()
            ],
        },
    )


def framework_pdf_from_html(html: str) -> bytes:
    # Imported here: WeasyPrint is slow to import and only this view needs it.
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def framework_pdf(framework: Framework) -> bytes:
    return framework_pdf_from_html(framework_html(framework))


def framework_pdf_key(html: str) -> str:
    """The shared-cache key of the PDF drawn from ``html`` (``heavy_renders.pdf_key``). A
    draft is edited in place without a new version number: the HTML shows every edit."""
    return heavy_renders.pdf_key("framework-pdf", html, STYLESHEET, __file__)
