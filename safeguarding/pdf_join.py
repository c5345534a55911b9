"""Join tagged PDFs that WeasyPrint wrote part by part into one tagged PDF.

WeasyPrint holds every laid-out page of a document in memory until the PDF is written
(the layout of the 1,000-action board pack was ~290 MiB of Python objects, its peak
578 MiB). A long document laid out as several smaller documents, one after another,
needs only the largest part's memory; this module makes one PDF of the parts again:

- the pages, in order, with their fonts, images and link annotations;
- one structure tree: each part's /Document children become the children of the first
  part's /Document, and the parent tree's keys (the pages' /StructParents and the link
  annotations' /StructParent) are shifted past the earlier parts' keys; table header
  IDs (WeasyPrint's "<object number>-<row>-<column>", which repeat from part to part)
  get the part's number in front, in the /ID of the header and the /Headers of its cells;
- one list of named destinations (a link in one part may lead to an anchor in another:
  the part that links gives the name a stand-in anchor, which the real one replaces);
- one outline (bookmarks), the parts' top-level items one after another;
- the first part's catalog: language, metadata, viewer preferences, marked-content flag.

Given ``footers``, it draws a page of that other PDF (here "Page N of M", which no part
can know when it is laid out) on each page as a pagination artifact, so that it is no
content for assistive technology, as PDF/UA asks of running footers.

The result is left for safeguarding.tagged_pdf.finish_tagged_pdf, which runs once on it.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator, Sequence

import pikepdf

from .tagged_pdf import finish_tagged, save_finished


def join_tagged_pdfs(
    parts: Sequence[bytes],
    stand_ins: Sequence[set[str]] = (),
    footers: bytes | None = None,
    finish_with: str | Sequence[str] | None = None,
    nested: Sequence[bool] = (),
) -> bytes:
    """One PDF of the parts, in order (see the module's description); ``stand_ins[i]`` are
    the anchor names part i defines only so that its links to other parts are kept, and
    ``footers`` a PDF of as many pages, of the same sizes, drawn over them as footers.
    Given ``finish_with`` (the parts' HTML), the joined PDF is finished for PDF/UA
    (safeguarding.tagged_pdf) before it is saved, once, compressed; otherwise it is left
    uncompressed for finish_tagged_pdf. ``nested[i]``: part i's top-level bookmarks go
    under the last top-level one before them (a part that continues a section)."""
    first = pikepdf.open(io.BytesIO(parts[0]))
    try:
        destinations = _destinations(first)
        for name in stand_ins[0] if stand_ins else ():
            destinations.pop(name, None)
        tree_root = first.Root.get("/StructTreeRoot")
        document = _document_element(tree_root)
        nums = tree_root.ParentTree.Nums if tree_root is not None and document is not None else None
        next_key = _next_key(nums) if nums is not None else 0
        for number, content in enumerate(parts[1:], start=1):
            with pikepdf.open(io.BytesIO(content)) as part:
                if document is not None:
                    next_key = _shift_keys(part, next_key, prefix=f"p{number}-")
                with warnings.catch_warnings():
                    # Named destinations are joined below, not lost as pikepdf warns they would be.
                    warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
                    first.pages.extend(part.pages)
                found = _destinations(part)
                for name in stand_ins[number] if number < len(stand_ins) else ():
                    found.pop(name, None)
                for name, destination in found.items():
                    destinations.setdefault(name, first.copy_foreign(destination))
                if document is not None and nums is not None and "/StructTreeRoot" in part.Root:
                    _append_tree(first, part, document, nums)
                _append_outline(first, part, nested=number < len(nested) and nested[number])
        if footers is not None:
            with pikepdf.open(io.BytesIO(footers)) as footer_pdf:
                _add_footers(first, footer_pdf)
        if destinations:
            names = pikepdf.Array()
            for name in sorted(destinations):
                names.append(pikepdf.String(name))
                names.append(destinations[name])
            if "/Names" not in first.Root:
                first.Root.Names = pikepdf.Dictionary()
            first.Root.Names.Dests = first.make_indirect(pikepdf.Dictionary(Names=names))
        if finish_with is not None:
            finish_tagged(first, finish_with)
            return save_finished(first)
        out = io.BytesIO()
        # Left uncompressed: finish_tagged_pdf reads every content stream and compresses on saving.
        first.save(out, compress_streams=False)
        return out.getvalue()
    finally:
        first.close()


def _add_footers(pdf: pikepdf.Pdf, footers: pikepdf.Pdf) -> None:
    """Each page of ``footers`` drawn over the same page of ``pdf``, as a pagination artifact."""
    if len(pdf.pages) != len(footers.pages):
        raise ValueError(f"{len(pdf.pages)} pages but {len(footers.pages)} footers")
    for page, footer in zip(pdf.pages, footers.pages, strict=True):
        form = pdf.copy_foreign(footer.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Footer")
        # The page's own content may leave the graphics state changed (WeasyPrint's flip
        # of the y axis): q … Q puts it back before the footer is drawn. One stream, one
        # operator a line, as WeasyPrint writes them, for finish_tagged_pdf's fast path.
        drawn = (
            b"q\n"
            + _page_content(page)
            + b"\nQ\n/Artifact\n<</Type /Pagination /Subtype /Footer>>\nBDC\nq\n"
            + bytes(name.unparse())
            + b" Do\nQ\nEMC\n"
        )
        page.obj.Contents = pdf.make_stream(drawn)


def _page_content(page: pikepdf.Page) -> bytes:
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(stream.read_bytes() for stream in contents)
    return contents.read_bytes()


def _document_element(tree_root) -> pikepdf.Dictionary | None:
    """The structure tree's /Document element, where the parts' elements are gathered."""
    if not isinstance(tree_root, pikepdf.Dictionary) or "/ParentTree" not in tree_root:
        return None
    kids = tree_root.get("/K")
    kid = kids[0] if isinstance(kids, pikepdf.Array) and len(kids) == 1 else kids
    return kid if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == pikepdf.Name.Document else None


def _next_key(nums: pikepdf.Object) -> int:
    return max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1


def _shift_keys(part: pikepdf.Pdf, offset: int, prefix: str) -> int:
    """Renumber the part's parent-tree keys from ``offset`` (in the part itself, before its
    objects are copied) and put ``prefix`` before its table header IDs; the next free key."""
    tree_root = part.Root.get("/StructTreeRoot")
    if not isinstance(tree_root, pikepdf.Dictionary) or _document_element(tree_root) is None:
        return offset
    nums = tree_root.ParentTree.Nums
    keys = {int(nums[i]): i for i in range(0, len(nums), 2)}
    for page in part.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset  # a link's key
    for key, index in keys.items():
        nums[index] = key + offset
    for element in _elements(tree_root):
        if "/ID" in element:
            element.ID = pikepdf.String(prefix + bytes(element.ID).decode("latin-1"))
        for attributes in _attribute_dicts(element):
            if "/Headers" in attributes:
                attributes.Headers = pikepdf.Array(
                    [
                        pikepdf.String(prefix + bytes(header).decode("latin-1"))
                        for header in attributes.Headers
                    ]
                )
    return offset + (max(keys) + 1 if keys else 0)


def _append_tree(first: pikepdf.Pdf, part: pikepdf.Pdf, document: pikepdf.Dictionary, nums) -> None:
    """Copy the part's structure tree under the first part's /Document (its pages are
    copied already: qpdf maps the elements' /Pg to those copies, not to new pages)."""
    copied_root = first.copy_foreign(part.Root.StructTreeRoot)
    copied_document = _document_element(copied_root)
    if copied_document is None:
        return
    kids = document.get("/K")
    if not isinstance(kids, pikepdf.Array):
        kids = pikepdf.Array([] if kids is None else [kids])
        document.K = kids
    for kid in _list(copied_document.get("/K")):
        if isinstance(kid, pikepdf.Dictionary):
            kid.P = document
        kids.append(kid)
    copied_nums = copied_root.ParentTree.Nums
    for i in range(len(copied_nums)):
        nums.append(copied_nums[i])


def _append_outline(first: pikepdf.Pdf, part: pikepdf.Pdf, nested: bool = False) -> None:
    """The part's top-level bookmarks after the first's (their /Dest pages are the copies),
    or, ``nested``, after the children of the first's last top-level bookmark."""
    outlines = part.Root.get("/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary) or "/First" not in outlines:
        return
    copied = first.copy_foreign(outlines)
    root = first.Root.get("/Outlines")
    if not isinstance(root, pikepdf.Dictionary) or "/First" not in root:
        first.Root.Outlines = copied
        return
    mine = root.Last if nested else root
    added = int(copied.get("/Count", 0))
    if nested:  # open (Count >= 0): its visible items and the outline's grow; closed: its hidden ones
        shown = int(mine.get("/Count", 0))
        mine.Count = shown + added if shown >= 0 else shown - added
        root.Count = int(root.get("/Count", 0)) + (added if shown >= 0 else 0)
    else:
        mine.Count = int(mine.get("/Count", 0)) + added
    item = copied.First
    while True:
        item.Parent = mine
        if "/Next" not in item:
            break
        item = item.Next
    if "/First" not in mine:
        mine.First, mine.Last = copied.First, copied.Last
        return
    mine.Last.Next = copied.First
    copied.First.Prev = mine.Last
    mine.Last = copied.Last


def _destinations(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    """The named destinations, name → destination (WeasyPrint writes one flat /Names array)."""
    names = pdf.Root.get("/Names")
    if not isinstance(names, pikepdf.Dictionary) or "/Dests" not in names:
        return {}
    found: dict[str, pikepdf.Object] = {}
    for name, destination in pikepdf.NameTree(names.Dests).items():
        # copy_foreign takes only indirect objects: an explicit destination is a direct array.
        found[str(name)] = destination if destination.is_indirect else pdf.make_indirect(destination)
    return found


# Elements that hold text, not tables: their children are not looked into for table
# headers and cells (the children of 10,000 spans were 90% of the joining's time).
INLINE_ROLES = frozenset(
    pikepdf.Name(role) for role in ("/Span", "/Link", "/P", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Lbl")
)


def _elements(tree_root: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    """The structure elements that may be, or hold, table headers and cells."""
    seen: set[tuple[int, int]] = set()
    stack = _list(tree_root.get("/K"))
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        role = node.get("/S")
        if role is None:
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node
        if role not in INLINE_ROLES:
            stack.extend(_list(node.get("/K")))


def _attribute_dicts(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    attributes = element.get("/A")
    return [a for a in _list(attributes) if isinstance(a, pikepdf.Dictionary)]


def _list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]
