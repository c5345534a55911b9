"""Turn section data into HTML, and HTML into a PDF with WeasyPrint.

The PDF gets its own small print stylesheet (packs/static/packs/print.css), not
the GOV.UK Frontend CSS: large stylesheets slow WeasyPrint down, and the print
layout uses tables and floats only (flexbox is far slower there; see FIELD-NOTES).
"""

from __future__ import annotations

import datetime
import functools
import gc
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

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
    period: PackPeriod, snapshot: dict[str, Any], appendix: SectionData, pack_url: str, cover: bool = True
) -> str:
    """The full-plan annex: its own title page, then the seven-column plan, landscape
    (``cover`` False: the plan alone, for the parts after the first; see AnnexSource)."""
    return render_to_string(
        "packs/print/annex.html",
        {
            "cover": cover,
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


def write_pdf(
    source: str | PackSource | AnnexSource,
    on_step: Callable[[str], None] | None = None,
    *,
    helper: PartHelper | None = None,
    between_parts: Callable[[], None] | None = None,
) -> RenderedPdf:
    """Lay out and write the PDF; the function that calls WeasyPrint (lay_out_part too). ``source``
    is the HTML of one document, or a board pack or its annex, which are laid out in parts
    (see PackSource and AnnexSource).
    ``on_step`` is told each step once the pages are known, for the progress the pack page shows.
    ``helper``: another process that may lay out one of a pack's parts meanwhile (PartHelper).
    ``between_parts`` is called before each part and after the last: where the process
    making an annex lays out the part a pack's process offers (packs.sharing)."""
    _prepare()
    if not isinstance(source, str):
        return _write_in_parts(
            source, on_step or (lambda step: None), helper=helper, between_parts=between_parts
        )
    return _write_one(source, on_step or (lambda step: None))


def _prepare() -> None:
    from safeguarding.pdf_speed import cache_page_references, keep_collector_off_baseline

    cache_page_references()  # tagging a long pack otherwise costs elements × pages
    keep_collector_off_baseline()  # full collections during layout otherwise rescan every module


def lay_out_part(html: str, css: str) -> LaidOut:
    """One part of a pack, laid out as ``_write_in_parts`` lays it out (``css``: what that
    gives the part besides print.css): for the process that lays out a part another offers."""
    _prepare()
    return _lay_out(html, _variant(), css)


class PartHelper(Protocol):
    """Another worker process that may lay out one part of a pack while this one lays out
    the rest (packs.sharing: the process making the pack's annex, which has less to do)."""

    def offer(self, number: int, html: str, css: str) -> None:
        """Offer part ``number`` (its HTML and extra CSS), before this process starts."""

    def collect(self) -> LaidOut | None:
        """The offered part laid out by the other process (waiting for it if it is at it),
        or None: lay it out here (no one took it, or the other process failed)."""


def _variant() -> str | None:
    return settings.PACKS_PDF_VARIANT or None


def _finishing(variant: str | None) -> bool:
    return bool(variant and variant.startswith("pdf/ua"))


def _write_one(html: str, say: Callable[[str], None]) -> RenderedPdf:
    from safeguarding.tagged_pdf import finish_tagged_pdf  # loading qpdf costs time too

    variant = _variant()
    laid_out = _lay_out(html, variant, say=say)
    content = laid_out.content
    if _finishing(variant):
        # Running headers as artifacts, readable link descriptions, no empty spans.
        say(f"tagging {laid_out.pages} pages for screen readers (PDF/UA)")
        content = finish_tagged_pdf(content, html)
    return RenderedPdf(content=content, pages=laid_out.pages)


@dataclass(frozen=True)
class LaidOut:
    """One document laid out and written: a part of a pack, or the whole of a small one."""

    content: bytes
    pages: int
    anchors: dict[str, int]  # anchor name → its page, from 0
    landscape: list[bool]  # of each page


def _lay_out(
    html: str, variant: str | None, extra_css: str = "", say: Callable[[str], None] | None = None
) -> LaidOut:
    """One WeasyPrint document, laid out and written (left uncompressed when it is to be
    tagged: finish_tagged_pdf reads every stream and compresses them as it saves)."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time the web process rarely needs

    font_config, print_css = _print_setup(PRINT_CSS.stat().st_mtime_ns)
    stylesheets = [print_css]
    if extra_css:
        stylesheets.append(CSS(string=extra_css, font_config=font_config))
    document = HTML(string=html, base_url=str(Path(__file__).parent)).render(
        stylesheets=stylesheets, pdf_variant=variant, font_config=font_config
    )
    pages = len(document.pages)
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, number)
    landscape = [page.width > page.height for page in document.pages]
    if say:
        say(f"writing {pages} pages as PDF")
    content = document.write_pdf(pdf_variant=variant, uncompressed_pdf=_finishing(variant))
    del document  # the laid-out pages are the bulk of the memory
    gc.collect()  # and they are full of reference cycles (parents and children): free them now
    return LaidOut(content, pages, anchors, landscape)


@functools.lru_cache(maxsize=1)
def _print_setup(stylesheet_version: int) -> tuple[Any, Any]:
    """The process's font configuration and print stylesheet, parsed once (again only if
    the file changes: ``stylesheet_version`` is its modification time).

    A pack or annex is laid out as several documents (PackSource), each of which otherwise
    set up fontconfig and Pango's font map and parsed the stylesheet afresh: ~0.1 s of
    CPU a document, about half of it saved by sharing them (the fonts are the system's, the
    stylesheet has no @font-face, so nothing one document adds changes another's)."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return font_config, CSS(filename=str(PRINT_CSS), font_config=font_config)


@dataclass(frozen=True)
class PackSource:
    """A board pack, laid out section by section and joined into one PDF.

    WeasyPrint keeps every laid-out page of a document until its PDF is written: the
    1,000-action pack in one document peaked at 578 MiB, most of it the layout of its two
    long tables (the exceptions and the progress in the period). Each section starts a
    page, so laying each out as its own document gives the same pages, and needs only the
    largest section's memory. What a part cannot know from its own pages is added here:

    - "Page N of M" in the footer: drawn for the whole pack afterwards, as a pagination
      artifact (safeguarding.pdf_join.add_footer_artifacts), from a document of the same
      page sizes with only that footer;
    - the running header (board, period, as-at date), which the cover sets: given to the
      later parts as literal strings;
    - the contents' page numbers: the contents part is laid out last, given the numbers;
      its links to the other parts' sections keep stand-in anchors, which the join
      replaces with the sections' own (safeguarding.pdf_join.join_tagged_pdfs).

    Bookmarks, named destinations and the structure tree are joined there, and the
    tagging is finished once, on the joined PDF."""

    period: PackPeriod
    snapshot: dict[str, Any]
    sections: list[SectionData]

    def html(self, sections: list[SectionData] | None = None) -> str:
        return render_print_html(self.period, self.snapshot, self.sections if sections is None else sections)

    def parts(self) -> tuple[list[list[SectionData]], list[str]]:
        return _parts(self)


@dataclass(frozen=True)
class AnnexSource:
    """The full-plan annex, laid out in parts as a pack is (PackSource): its cover, then
    its priority areas, consecutive ones up to PART_HTML_SIZE of HTML together. Each area
    after a plan's first starts a page (print.css), so a part may start there and nowhere
    else in the plan: the pages are those of one document. A part that starts within the
    plan leaves out the section's and the plan's headings (their context "continued"), and
    its bookmarks (the plans after the first) go under the section's, where one document
    has them. The annex in one document peaked at ~500 MiB on a 1,000-action plan."""

    period: PackPeriod
    snapshot: dict[str, Any]
    appendix: SectionData
    pack_url: str

    def html(self, entries: list[tuple[int, int | None]] | None = None, cover: bool = True) -> str:
        """The annex, or only the areas ``entries`` ((plan, area) indexes; area None for a
        plan without areas), with the cover or without."""
        section = self.appendix if entries is None else self._section(entries)
        return render_annex_html(self.period, self.snapshot, section, self.pack_url, cover=cover)

    def _section(self, entries: list[tuple[int, int | None]]) -> SectionData:
        plans: list[tuple[int, dict[str, Any]]] = []
        for plan_at, area_at in entries:
            plan = self.appendix.context["plans"][plan_at]
            if not plans or plans[-1][0] != plan_at:
                plans.append((plan_at, {**plan, "areas": [], "continued": bool(area_at)}))
            if area_at is not None:
                plans[-1][1]["areas"].append(plan["areas"][area_at])
        context = {
            **self.appendix.context,
            "plans": [plan for _at, plan in plans],
            "continued": entries[0] not in ((0, 0), (0, None)),
        }
        return replace(self.appendix, context=context)

    def parts(self) -> tuple[list[list[SectionData]], list[str]]:
        units: list[list[tuple[int, int | None]]] = []  # where a part may start: areas that start a page
        for plan_at, plan in enumerate(self.appendix.context["plans"]):
            for area_at in range(len(plan["areas"])) or [None]:
                if area_at or not units:
                    units.append([])
                units[-1].append((plan_at, area_at))
        parts: list[list[SectionData]] = []
        htmls: list[str] = []
        current: list[tuple[int, int | None]] = []
        for unit in units:
            html = self.html(unit, cover=False)
            if current and len(htmls[-1]) + len(html) <= PART_HTML_SIZE:
                current = current + unit
                parts[-1], htmls[-1] = [self._section(current)], self.html(current, cover=len(parts) == 1)
            else:
                current = unit
                parts.append([self._section(unit)])
                htmls.append(self.html(unit, cover=not htmls))
        return parts, htmls


CONTENTS_KEY = "contents"
# Every part but the pack as a whole leaves the page number to the footer drawn afterwards.
PART_CSS = "@page { @bottom-right { content: none; } }"
# The document the footers are drawn from: the pack's own page rules, only "Page N of M".
FOOTER_CSS = """
@page { @top-left { content: none; } @top-center { content: none; } @top-right { content: none; }
        @bottom-left { content: none; } @bottom-center { content: none; } }
.pack-footer-page + .pack-footer-page { break-before: page; }
"""
RUNNING_STRINGS = {
    "board": "pack-running-board",
    "period": "pack-running-period",
    "asof": "pack-running-asof",
}


def _write_in_parts(
    source: PackSource | AnnexSource,
    say: Callable[[str], None],
    *,
    helper: PartHelper | None = None,
    between_parts: Callable[[], None] | None = None,
) -> RenderedPdf:
    from safeguarding.pdf_join import join_tagged_pdfs

    variant = _variant()
    parts, htmls = source.parts()
    contents_at = next((i for i, part in enumerate(parts) if part[0].key == CONTENTS_KEY), None)
    part_css = _part_css(htmls)
    offered = _part_to_offer(parts, contents_at) if helper is not None else None
    if helper is not None and offered is not None:
        helper.offer(offered, htmls[offered], part_css[offered])
    laid_out: dict[int, LaidOut] = {}
    for number in range(len(parts)):
        if between_parts is not None:
            between_parts()
        if number in (contents_at, offered):
            continue  # the contents is laid out last, with the others' page numbers; the offer, elsewhere
        laid_out[number] = _lay_out(htmls[number], variant, part_css[number])
        say(
            f"laid out {sum(p.pages for p in laid_out.values())} pages ({len(laid_out)} of {len(parts)} parts)"
        )
    if between_parts is not None:
        between_parts()
    if helper is not None and offered is not None:
        say(
            f"laid out {sum(p.pages for p in laid_out.values())} pages ({len(laid_out)} of {len(parts)} parts),"
            " one more by the annex's worker process"
        )
        laid_out[offered] = helper.collect() or _lay_out(htmls[offered], variant, part_css[offered])
    stand_ins: list[set[str]] = [set() for _ in parts]
    if contents_at is not None and isinstance(source, PackSource):
        contents = parts[contents_at][0]
        keys = {section.key for section in source.sections}
        stand_ins[contents_at] = {key for key, _title in contents.context["entries"] if key in keys}
        contents_pages = 1
        for _attempt in range(3):  # the numbers do not change its pages, but make sure
            numbers = _page_numbers(parts, laid_out, contents_at, contents_pages)
            context = {
                **contents.context,
                "numbered": [
                    (key, title, numbers.get(key, "")) for key, title in contents.context["entries"]
                ],
                "stand_ins": sorted(stand_ins[contents_at]),
            }
            numbered = SectionData(
                contents.key, contents.title, contents.template, context, contents.in_contents
            )
            htmls[contents_at] = source.html([numbered])
            laid_out[contents_at] = _lay_out(htmls[contents_at], variant, part_css[contents_at])
            if laid_out[contents_at].pages == contents_pages:
                break
            contents_pages = laid_out[contents_at].pages
    order = sorted(laid_out)
    pages = sum(laid_out[number].pages for number in order)
    footer_pages = "".join(
        f"<div class='pack-footer-page{' pack-landscape' if wide else ''}'></div>"
        for number in order
        for wide in laid_out[number].landscape
    )
    footers = _lay_out(
        f"<!DOCTYPE html><html lang='en-GB'><body>{footer_pages}</body></html>", None, FOOTER_CSS
    )
    tagging = " and tagging them for screen readers (PDF/UA)" if _finishing(variant) else ""
    say(f"joining {len(order)} parts, {pages} pages{tagging}")
    content = join_tagged_pdfs(
        [laid_out[number].content for number in order],
        [stand_ins[number] for number in order],
        footers.content,
        # A part that goes on with the section before it: its bookmarks belong under that section's.
        nested=[bool(parts[number][0].context.get("continued")) for number in order],
        # Finished for PDF/UA on the joined pages, before one save (not saved, read and saved again).
        finish_with=htmls if _finishing(variant) else None,
    )
    return RenderedPdf(content=content, pages=pages)


# Sections are laid out together, one document, up to this much HTML; a section longer
# than that is laid out alone. Memory follows the largest part: in the 1,000-action pack
# the exception report (545 rows, 400 KB of HTML, 33 pages) alone, a 327 MiB peak for the
# process; the progress (360 KB) and the last four sections together (185 KB) stay under it.
# Fewer documents cost less: each has its own setting up, writing and joining.
PART_HTML_SIZE = 200_000


def _parts(source: PackSource) -> tuple[list[list[SectionData]], list[str]]:
    """The sections in parts, in order, and each part's HTML: consecutive sections up to
    PART_HTML_SIZE together; the contents alone, as it is laid out last."""
    parts: list[list[SectionData]] = []
    htmls: list[str] = []
    sizes: list[int] = []  # of each part's sections drawn alone (a document each): a little
    # over the part's own HTML, which is drawn once, when the part is complete
    for section in source.sections:
        html = source.html([section])
        alone = section.key == CONTENTS_KEY or (parts and parts[-1][0].key == CONTENTS_KEY)
        if parts and not alone and sizes[-1] + len(html) <= PART_HTML_SIZE:
            parts[-1].append(section)
            sizes[-1] += len(html)
        else:
            parts.append([section])
            htmls.append(html)
            sizes.append(len(html))
    return parts, [
        html if len(part) == 1 else source.html(part) for part, html in zip(parts, htmls, strict=True)
    ]


def _page_numbers(
    parts: list[list[SectionData]], laid_out: dict[int, LaidOut], contents_at: int, contents_pages: int
) -> dict[str, int]:
    """Each section's first page in the joined pack, from 1, the contents taking ``contents_pages``."""
    numbers: dict[str, int] = {}
    before = 0
    for number, part in enumerate(parts):
        if number == contents_at:
            numbers[part[0].key] = before + 1
            before += contents_pages
            continue
        done = laid_out[number]
        for section in part:
            numbers[section.key] = before + done.anchors.get(section.key, 0) + 1
        before += done.pages
    return numbers


def _part_css(htmls: list[str]) -> list[str]:
    """What each part is laid out with besides print.css: no page number in its footer, and
    the running header's strings set by the first part before it that sets them (the cover)."""
    found: list[str] = []
    running_css = ""
    for html in htmls:
        found.append(PART_CSS + running_css)
        running_css = running_css or _running_css(html)
    return found


def _part_to_offer(parts: list[list[SectionData]], contents_at: int | None) -> int | None:
    """The part a pack's process offers to the annex's, which has less to lay out: its last,
    unless that is the contents or the pack has fewer than three parts to lay out."""
    numbers = [number for number in range(len(parts)) if number != contents_at]
    return numbers[-1] if len(numbers) >= 3 else None


def _running_css(html: str) -> str:
    """The running header's strings that the cover sets (class pack-running-*), for the
    parts after it: '' when this part sets none."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    values = []
    for name, css_class in RUNNING_STRINGS.items():
        found = tree.find_class(css_class)
        if found:
            values.append(f"{name} {_css_string(found[0].text_content())}")
    return f"html {{ string-set: {', '.join(values)}; }}" if values else ""


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'
