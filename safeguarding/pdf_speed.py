"""One fix to the PDF writer under WeasyPrint, for tagged (PDF/UA) documents of many pages.

WeasyPrint 70 tags each structure element with its page through
``pydyf.PDF.page_references``, a property that builds a fresh tuple of every page's
reference on each call (weasyprint/pdf/tags.py, ``'Pg': pdf.page_references[n]``). A
tagged document makes one call per structure element, so the writing time grows with
elements × pages: the 1,000-action board pack (257 pages, ~75,000 elements) encoded
19.5 million page references (cProfile: the largest single item of its PDF writing).

``cache_page_references()`` swaps that property for one that keeps the tuple until a
page is added (the list of page references only ever grows, so its length says whether
the cached tuple is current). Same bytes out: tests/safeguarding/test_pdf_speed.py.
Remove it when pydyf caches the references itself.
"""

from __future__ import annotations

import pydyf

_ORIGINAL = pydyf.PDF.page_references


def _cached_page_references(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_cached_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), _ORIGINAL.fget(pdf))
        pdf.__dict__["_cached_page_references"] = cached
    return cached[1]


def cache_page_references() -> None:
    """Install the cached property (idempotent)."""
    pydyf.PDF.page_references = property(_cached_page_references)
