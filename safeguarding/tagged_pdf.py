"""Finish a tagged PDF from WeasyPrint so that assistive technology reads it as PDF/UA asks.

WeasyPrint 70 writes a structure tree with pdf_variant="pdf/ua-1", but leaves four gaps
that this module closes after the PDF is written (with pikepdf, on the finished file, so
it depends on WeasyPrint's output and not on its internals):

1. Running headers and footers (the page margin boxes: board, OFFICIAL, period, "Page N
   of M") are written as tagged content whose structure elements hang outside the tree
   (WeasyPrint's own comment: an Artifact there is "only allowed in PDF 2.0"). PDF/UA-1
   wants them as pagination artifacts in the page content: /Artifact <</Type /Pagination
   /Subtype /Header>> (or /Footer), with no structure element and no MCID.
2. Text boxes with nothing to show (white space between elements) become empty marked-
   content sequences, each with an empty /Span in the tree. They are unmarked and their
   /Span removed: a screen reader gains nothing from them.
3. Link annotations carry the bare target ("plan_summary") as their /Contents, the
   description PDF/UA 7.18.5 asks for. They get the link's own words from the HTML,
   and for a link inside the document the page it leads to ("Business plan summary,
   page 3").
4. Table header cells have no /Scope. WeasyPrint ties data cells to their headers with
   /Headers and /ID; a /Scope of Column or Row (whichever rows the cells that name the
   header are in) is added as well, which some checkers and readers rely on.

Every reusable check of the result lives in tests/pdf_ua.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pikepdf
from lxml import html as lxml_html

# Operators that put something on the page: a marked-content sequence without any of
# them is empty. Everything else (BT, ET, Tf, Tm, q, Q, cm, colours...) only sets state.
PAINTING_OPERATORS = frozenset(
    ["Tj", "TJ", "'", '"', "Do", "sh", "BI", "INLINE IMAGE", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s"]
)


def finish_tagged_pdf(content: bytes, html: str | Sequence[str] | None = None) -> bytes:
    """The PDF with the four gaps above closed; an untagged PDF is returned unchanged.
    ``html`` is the HTML it was made from, or of each of its parts when it was laid out
    in parts and joined (safeguarding.pdf_join): the links' words come from there."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        if not finish_tagged(pdf, html):
            return content
        return save_finished(pdf)


def save_finished(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    # Streams are compressed here and the objects packed into object streams, so the
    # writer may hand over an uncompressed PDF (packs.rendering does: compressing
    # there too was 1 s of the 1,000-action pack's CPU, undone by qpdf on reading).
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def finish_tagged(pdf: pikepdf.Pdf, html: str | Sequence[str] | None = None) -> bool:
    """finish_tagged_pdf on an open PDF, changed in place (safeguarding.pdf_join finishes
    the joined PDF before saving it once); False, and nothing changed, if it is untagged."""
    tree_root = pdf.Root.get("/StructTreeRoot")
    # The PDF standard makes it a dictionary; anything else is a PDF we do not touch.
    if not isinstance(tree_root, pikepdf.Dictionary) or "/ParentTree" not in tree_root:
        return False
    # One walk of the tree serves both the orphan test and the header scopes below
    # (pruning takes out only empty /Span and /NonStruct elements, never cells).
    elements = list(_struct_elements(tree_root))
    reachable = {element.objgen for element in elements}
    parent_tree = _ParentTree(tree_root.ParentTree)
    for page in pdf.pages:
        if "/StructParents" not in page.obj:
            continue
        mcids = parent_tree.page_array(int(page.obj.StructParents))
        if mcids is None:
            continue
        orphans = {
            mcid
            for mcid, element in enumerate(mcids)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
        }
        empty = _rewrite_page(pdf, page, orphans)
        for mcid in orphans | empty:
            if mcid < len(mcids):
                owner = mcids[mcid]
                if mcid in empty and isinstance(owner, pikepdf.Dictionary):
                    _forget_mcid(owner, mcid)
                mcids[mcid] = pikepdf.Object.parse(b"null")
    for element in _kids(tree_root):
        if isinstance(element, pikepdf.Dictionary):
            _prune_empty(element)
    texts: dict[str, str] = {}
    for source in [html] if isinstance(html, str) else html or []:
        for target, words in _link_texts(source).items():
            texts.setdefault(target, words)
    _describe_links(pdf, texts)
    _scope_table_headers(elements)
    return True


def _struct_elements(tree_root: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    """Every structure element reachable from the root, parents before children."""
    seen: set[tuple[int, int]] = set()
    stack = list(_kids(tree_root))
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node or node.objgen in seen:
            continue
        seen.add(node.objgen)
        yield node
        stack.extend(reversed(list(_kids(node))))


def _kids(node: pikepdf.Dictionary) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


class _ParentTree:
    """The number tree mapping each page's StructParents to its MCID → element array.
    WeasyPrint writes it flat (one /Nums array), which is all this reads."""

    def __init__(self, tree: pikepdf.Object) -> None:
        nums = tree.get("/Nums", pikepdf.Array())
        self.arrays = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}

    def page_array(self, key: int) -> pikepdf.Array | None:
        array = self.arrays.get(key)
        return array if isinstance(array, pikepdf.Array) else None


@dataclass
class _Open:
    index: int  # position of the BDC/BMC operator in the instruction list
    mcid: int | None
    painted: bool = False
    first_y: float | None = None


def _rewrite_page(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> set[int]:
    """Turn the orphans' marked content into header/footer artifacts and unmark empty
    sequences, in one pass over the page's content stream. Returns the empty MCIDs.

    WeasyPrint (through pydyf) writes one operator a line, text as hex strings: such a
    stream is rewritten line by line, touching only the BDC/EMC lines that change, which
    is about five times cheaper than parsing every operator into Python objects (1,000-
    action board pack: 5.3 of the 9 s of finishing, under cProfile). A stream that is
    not so plain (inline images, literal strings that might hold line breaks) goes
    through pikepdf's full parser instead; tests/safeguarding/test_tagged_pdf.py checks
    that both ways give the same instructions."""
    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        data = contents.read_bytes()
        result = _rewrite_lines(data, page, orphans)
        if result is not None:
            rebuilt, empty = result
            if rebuilt is not None:
                page.Contents = pdf.make_stream(rebuilt)
            return empty
    return _rewrite_page_parsed(pdf, page, orphans)


# Every operator of PDF content streams (ISO 32000-1, annex A): a line whose last word is
# one of them ends an instruction; any other line holds operands of the next one.
CONTENT_OPERATORS = frozenset(
    b"b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J K k "
    b"l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf Tj TJ TL Tm Tr Ts Tw Tz v w W W* "
    b"y ' \"".split()
)
_PAINTING = frozenset(operator.encode() for operator in PAINTING_OPERATORS)
_MCID = re.compile(rb"/MCID\s+(\d+)")


def _rewrite_lines(
    data: bytes, page: pikepdf.Page, orphans: set[int]
) -> tuple[bytes | None, set[int]] | None:
    """The line-by-line rewrite of _rewrite_page: (new content or None if unchanged, empty
    MCIDs), or None when the stream is not one operator a line with hex strings only."""
    if b"(" in data:
        return None  # a literal string could hold a line break or an operator's name
    lines = data.split(b"\n")
    middle = (float(page.mediabox[1]) + float(page.mediabox[3])) / 2
    replace: dict[int, bytes] = {}  # first operand line of a BDC → the artifact's BDC lines
    drop: set[int] = set()  # lines of the BDC (with its operands) and EMC around empty content
    empty: set[int] = set()
    # Open sequences: [first operand line, BDC line, mcid, painted, first y]
    stack: list[list] = []
    ctm = [(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)]
    operands_from = 0
    for position, line in enumerate(lines):
        operator = line.rstrip().rpartition(b" ")[2]
        if operator not in CONTENT_OPERATORS:
            continue  # operands of the instruction a later line ends
        first, operands_from = operands_from, position + 1
        if operator in _PAINTING:
            if stack:
                stack[-1][3] = True
        elif operator == b"q":
            ctm.append(ctm[-1])
        elif operator == b"Q":
            if len(ctm) > 1:
                ctm.pop()
        elif operator == b"cm":
            ctm[-1] = _multiply(_numbers(lines, first, position, 6), ctm[-1])
        elif operator == b"BDC" or operator == b"BMC":
            mcid = None
            if operator == b"BDC":
                found = _MCID.search(b" ".join(lines[first : position + 1]))
                mcid = int(found.group(1)) if found else None
            stack.append([first, position, mcid, False, None])
        elif operator == b"Tm":
            if stack and stack[-1][4] is None:
                stack[-1][4] = _multiply(_numbers(lines, first, position, 6), ctm[-1])[5]
        elif operator == b"EMC":
            if not stack:
                continue
            start, bdc, mcid, painted, first_y = stack.pop()
            if stack and painted:
                stack[-1][3] = True
            if mcid is None:
                continue
            if mcid in orphans:
                kind = b"Header" if (first_y or 0) > middle else b"Footer"
                replace[start] = b"/Artifact\n<</Type /Pagination /Subtype /" + kind + b">>\nBDC"
                drop.update(range(start + 1, bdc + 1))
            elif not painted:
                drop.update(range(start, bdc + 1))
                drop.add(position)
                empty.add(mcid)
        elif operator in (b"BI", b"ID", b"EI"):
            return None  # inline image data is binary, not lines
    if not replace and not drop:
        return None, empty
    rebuilt = [
        replace.get(position, line)
        for position, line in enumerate(lines)
        if position not in drop or position in replace
    ]
    return b"\n".join(rebuilt), empty


def _numbers(lines: list[bytes], first: int, last: int, count: int) -> list[float]:
    """The last ``count`` numbers of the operand lines first..last (the operator's line)."""
    words = b" ".join(lines[first : last + 1]).split()[:-1]
    return [float(word) for word in words[-count:]]


def _rewrite_page_parsed(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> set[int]:
    """_rewrite_page with pikepdf's content-stream parser, for any stream."""
    instructions = list(pikepdf.parse_content_stream(page))
    middle = (float(page.mediabox[1]) + float(page.mediabox[3])) / 2
    replace: dict[int, list] = {}  # instruction index → the BDC's new operands
    drop: set[int] = set()  # instruction indexes of the BDC and EMC around empty content
    empty: set[int] = set()
    stack: list[_Open] = []
    ctm = [(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)]
    for position, instruction in enumerate(instructions):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            if stack:
                stack[-1].painted = True
            continue
        operands, operator = instruction.operands, str(instruction.operator)
        if operator == "q":
            ctm.append(ctm[-1])
        elif operator == "Q" and len(ctm) > 1:
            ctm.pop()
        elif operator == "cm":
            ctm[-1] = _multiply([float(value) for value in operands], ctm[-1])
        elif operator in ("BDC", "BMC"):
            mcid = None
            if operator == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcid = int(operands[1].MCID)
            stack.append(_Open(position, mcid))
        elif operator == "Tm" and stack and stack[-1].first_y is None:
            matrix = _multiply([float(value) for value in operands], ctm[-1])
            stack[-1].first_y = matrix[5]
        elif operator == "EMC" and stack:
            opened = stack.pop()
            if stack and opened.painted:
                stack[-1].painted = True
            if opened.mcid is None:
                continue
            if opened.mcid in orphans:
                kind = "/Header" if (opened.first_y or 0) > middle else "/Footer"
                properties = pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"), Subtype=pikepdf.Name(kind))
                replace[opened.index] = [pikepdf.Name("/Artifact"), properties]
            elif not opened.painted:
                drop.update((opened.index, position))
                empty.add(opened.mcid)
        elif operator in PAINTING_OPERATORS and stack:
            stack[-1].painted = True
    if not replace and not drop:
        return empty
    rebuilt: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for position, instruction in enumerate(instructions):
        if position in drop:
            continue
        if position in replace:
            rebuilt.append(pikepdf.ContentStreamInstruction(replace[position], pikepdf.Operator("BDC")))
        else:
            rebuilt.append(instruction)
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(rebuilt))
    return empty


def _multiply(m: list[float], n: tuple[float, ...]) -> tuple[float, float, float, float, float, float]:
    """m × n for PDF matrices [a b c d e f]: m applied first, then n."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _forget_mcid(element: pikepdf.Dictionary, mcid: int) -> None:
    """Take an empty sequence's MCID out of the element that holds it."""
    kids = element.get("/K")
    if isinstance(kids, pikepdf.Array):
        element.K = pikepdf.Array([kid for kid in kids if not _is_mcid(kid, mcid)])
    elif kids is not None and _is_mcid(kids, mcid):
        del element.K


def _is_mcid(kid, mcid: int) -> bool:
    try:
        return not isinstance(kid, pikepdf.Dictionary) and int(kid) == mcid
    except (TypeError, ValueError):
        return False


# Grouping elements that mean nothing once they hold nothing (an HTML <span> of white space).
PRUNABLE_WHEN_EMPTY = frozenset(["/Span", "/NonStruct"])


def _prune_empty(node: pikepdf.Dictionary) -> bool:
    """Drop /Span and /NonStruct elements left with no content, children first.
    True if node itself holds nothing."""
    kids = node.get("/K")
    if kids is None:
        return True
    if not isinstance(kids, pikepdf.Array):
        kids = pikepdf.Array([kids])
    kept = []
    for kid in kids:
        if (
            isinstance(kid, pikepdf.Dictionary)
            and "/S" in kid
            and _prune_empty(kid)
            and str(kid.S) in PRUNABLE_WHEN_EMPTY
        ):
            continue
        kept.append(kid)
    if len(kept) != len(kids):
        node.K = pikepdf.Array(kept)
    return not kept


def _link_texts(html: str) -> dict[str, str]:
    """What each link says, by its target: "#plan_summary" → "Business plan summary"."""
    texts: dict[str, str] = {}
    for link in lxml_html.fromstring(html).iter("a"):
        href = link.get("href")
        words = link.get("aria-label") or " ".join(link.text_content().split())
        if href and words:
            texts.setdefault(href[1:] if href.startswith("#") else href, words)
    return texts


def _describe_links(pdf: pikepdf.Pdf, texts: dict[str, str]) -> None:
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    destinations = _named_destinations(pdf)
    for page in pdf.pages:
        for annotation in page.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") != pikepdf.Name("/Link"):
                continue
            target = str(annotation.get("/Contents", ""))
            words = texts.get(target)
            if "/Dest" in annotation:
                name = str(annotation.Dest)
                words = words or f"Go to {name.replace('_', ' ').replace('-', ' ')}"
                destination = destinations.get(name)
                if destination is not None and destination[0].objgen in pages:
                    words = f"{words}, page {pages[destination[0].objgen]}"
            elif words and target:
                words = f"{words} ({target})"
            if words:
                annotation.Contents = pikepdf.String(words)


def _named_destinations(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Array]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    found = {}
    for name, destination in pikepdf.NameTree(names.Dests).items():
        target = destination.get("/D") if isinstance(destination, pikepdf.Dictionary) else destination
        if isinstance(target, pikepdf.Array) and len(target):
            found[str(name)] = target
    return found


def _scope_table_headers(elements: list[pikepdf.Dictionary]) -> None:
    """/Scope /Column for a header that cells in other rows name, /Row for one named
    only in its own row (WeasyPrint's scope="row" headers)."""
    headers: dict[str, pikepdf.Dictionary] = {}
    named_from_rows: dict[str, set[tuple[int, int]]] = {}
    for element in elements:
        role = str(element.get("/S"))
        if role == "/TH" and "/ID" in element:
            headers[bytes(element.ID).decode("latin-1")] = element
        elif role == "/TD":
            attributes = element.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                for named_id in attributes.Headers:
                    row = element.get("/P")
                    named_from_rows.setdefault(bytes(named_id).decode("latin-1"), set()).add(
                        row.objgen if row is not None else (0, 0)
                    )
    for header_id, header in headers.items():
        attributes = header.get("/A")
        if not isinstance(attributes, pikepdf.Dictionary) or "/Scope" in attributes:
            continue
        own_row = header.P.objgen if "/P" in header else None
        rows = named_from_rows.get(header_id, set())
        attributes.Scope = pikepdf.Name("/Row" if rows and rows == {own_row} else "/Column")
