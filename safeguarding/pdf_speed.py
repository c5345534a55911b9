"""Two fixes for long WeasyPrint renders: the PDF writer's page references, and the
garbage collector's rescans of the process's own modules.

1. The PDF writer, for tagged (PDF/UA) documents of many pages.

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


2. The collector. Laying out a long document makes millions of objects, so Python's
cyclic collector runs its full (oldest generation) collections many times during one
render, and each walks every object the process holds: Django's, WeasyPrint's and the
fonts' too, ~160,000 before the first pack, none of which a render frees.
``keep_collector_off_baseline()``, once per process, collects what is garbage then and
moves everything left to the collector's permanent generation (``gc.freeze``), so later
collections walk only what renders make. Measured (30 November, 2-core machine, quiet):
the 1,000-action annex alone in one process 44 → 34–37 s CPU; bench/board_pack.py, the
code before and after in the same minutes, 50.6 → 45.4 s wall (pack 49.2 → 44.0 s CPU,
annex 39.0 → 37.2 s). What is frozen is still freed by reference counting; only a
reference cycle among those objects would stay, once.
"""

from __future__ import annotations

import gc

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


_baseline_frozen = False


def keep_collector_off_baseline() -> None:
    """Freeze what the process holds before its first render (idempotent: once per process)."""
    global _baseline_frozen
    if _baseline_frozen:
        return
    import weasyprint  # noqa: F401  its modules and Pango bindings belong to the baseline

    gc.collect()
    gc.freeze()
    _baseline_frozen = True
