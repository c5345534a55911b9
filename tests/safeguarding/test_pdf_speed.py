"""The cached page references (safeguarding.pdf_speed) change nothing in the PDF, and the
collector's baseline is frozen once per process."""

from __future__ import annotations

import gc

import pydyf
from weasyprint import HTML

from safeguarding import pdf_speed

SOURCE = """<html lang="en"><head><title>Pages</title></head><body>
{}
</body></html>""".format(
    "".join(f'<h2 style="break-before: page">Part {n}</h2><p>Text {n}</p>' for n in range(6))
)


def test_the_cached_references_follow_pages_as_they_are_added():
    pdf = pydyf.PDF()
    pdf_speed.cache_page_references()
    try:
        first = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(first)
        assert pdf.page_references == (f"{first.number} 0 R".encode(),)
        second = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(second)
        assert pdf.page_references == (f"{first.number} 0 R".encode(), f"{second.number} 0 R".encode())
    finally:
        pydyf.PDF.page_references = pdf_speed._ORIGINAL


def test_a_tagged_pdf_is_the_same_with_and_without_the_cache():
    pydyf.PDF.page_references = pdf_speed._ORIGINAL
    document = HTML(string=SOURCE)
    plain = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True)
    pdf_speed.cache_page_references()
    try:
        cached = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True)
    finally:
        pydyf.PDF.page_references = pdf_speed._ORIGINAL
    assert b"/StructTreeRoot" in cached
    assert cached.count(b"/Pg ") > 6  # every structure element names its page
    assert _without_dates(cached) == _without_dates(plain)


def _without_dates(pdf: bytes) -> bytes:
    """The two documents differ only in their creation and modification times and ids."""
    import re

    return re.sub(rb"/(CreationDate|ModDate) \([^)]*\)|/ID \[[^\]]*\]", b"", pdf)


def test_the_baseline_is_frozen_once_and_a_render_still_frees_its_pages(monkeypatch):
    monkeypatch.setattr(pdf_speed, "_baseline_frozen", False)
    collections, freezes = [], []
    real_freeze = gc.freeze
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1) or real_freeze())
    frozen_before = gc.get_freeze_count()
    try:
        pdf_speed.keep_collector_off_baseline()
        assert gc.get_freeze_count() > frozen_before  # the process's objects are out of the collector's scans
        pdf_speed.keep_collector_off_baseline()
        assert len(collections) == len(freezes) == 1  # once only
    finally:
        gc.unfreeze()  # the rest of the suite keeps its ordinary collector
        monkeypatch.undo()
    import weakref

    document = HTML(string=SOURCE).render()
    pages = weakref.ref(document.pages[0])
    del document
    gc.collect()
    assert pages() is None  # what a render makes after the freeze is still collected
