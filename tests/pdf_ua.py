"""Checks that a tagged PDF is what PDF/UA-1 and a screen reader need: reusable for any PDF
the product makes (board packs, board reports, frameworks, a yearly report).

    from tests.pdf_ua import assert_accessible_pdf
    report = assert_accessible_pdf(path)            # fails with a readable list of problems
    assert "Page 2 of 9" in report.artifact_text[1]  # then assert what is particular to the PDF

Two tools, because neither is enough alone:

- Our own walk of the structure tree with pikepdf, and of each page's marked content with
  pdfplumber (which records for every character the marked-content tag and MCID it is
  drawn in). It checks what PDF/UA asks that the pdfua package does not: every MCID in
  the pages belongs to exactly one element of the tree and the other way round, no empty
  marked-content sequence, running headers and footers as artifacts, link descriptions,
  header cells with a scope, the words inside each link.
- The pdfua package from PyPI (0.1.3: 12 checks covering 16 of the 106 machine-checkable
  PDF/UA-1 rules; it says itself that it is a triage gate, not veraPDF). Every finding it
  makes, of any severity, is a problem. One of its checks cannot run on any WeasyPrint
  PDF: UA-14-001 (empty headings) raises "ValueError: ... cannot get key '/is_integer'
  on object of type array" because pdfua's as_integer() calls getattr() on a pikepdf
  Array, which raises ValueError rather than AttributeError; pdfua records the rule as
  skipped. Our walk checks empty headings itself (no_empty_headings below).

veraPDF, the reference validator, needs a Java runtime and is not installed here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf

PAINTING_OPERATORS = {"Tj", "TJ", "'", '"', "Do", "sh", "BI", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s"}
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
HEADINGS = {f"/H{level}" for level in range(1, 7)}


@dataclass
class TaggedPdfReport:
    """What the checks found, and the text of each page split by how it is marked."""

    problems: list[str] = field(default_factory=list)
    content_text: list[str] = field(default_factory=list)  # per page: tagged content
    artifact_text: list[str] = field(default_factory=list)  # per page: artifacts
    header_text: list[str] = field(default_factory=list)  # per page: /Pagination /Header artifacts
    footer_text: list[str] = field(default_factory=list)  # per page: /Pagination /Footer artifacts
    links: list[dict[str, str]] = field(default_factory=list)  # each link's words and description
    pdfua_findings: list[str] = field(default_factory=list)
    pdfua_skipped: dict[str, str] = field(default_factory=dict)


def assert_accessible_pdf(path: str | Path) -> TaggedPdfReport:
    report = inspect_tagged_pdf(path)
    problems = report.problems + [f"pdfua: {finding}" for finding in report.pdfua_findings]
    assert not problems, "The PDF is not accessible:\n  " + "\n  ".join(problems[:40])
    return report


def inspect_tagged_pdf(path: str | Path) -> TaggedPdfReport:
    report = TaggedPdfReport()
    with pikepdf.open(path) as pdf:
        _check_catalog(pdf, report)
        tree_root = pdf.Root.get("/StructTreeRoot")
        if tree_root is None:
            report.problems.append("no structure tree (/StructTreeRoot): the PDF is not tagged")
            return report
        claimed, elements = _walk_tree(pdf, tree_root, report)
        _check_content(pdf, claimed, report)
        _check_parent_tree(pdf, tree_root, claimed, report)
        _check_elements(elements, report)
        link_mcids = _check_links(pdf, tree_root, report)
    _read_text(path, link_mcids, report)
    _run_pdfua(path, report)
    return report


def _check_catalog(pdf: pikepdf.Pdf, report: TaggedPdfReport) -> None:
    if not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
        report.problems.append("the catalog's /MarkInfo /Marked is not true")
    if not str(pdf.Root.get("/Lang", "")).strip():
        report.problems.append("no document language (/Lang)")
    if not str(pdf.docinfo.get("/Title", "")).strip():
        report.problems.append("no document title")
    if not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        report.problems.append("viewers are not asked to show the title (/DisplayDocTitle)")
    with pdf.open_metadata() as metadata:
        if "pdfuaid:part" not in metadata:
            report.problems.append("no PDF/UA identification (pdfuaid:part) in the XMP metadata")


def _page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: index for index, page in enumerate(pdf.pages)}


def _walk_tree(pdf: pikepdf.Pdf, tree_root: pikepdf.Dictionary, report: TaggedPdfReport):
    """Every element reachable from the root, and (page index, MCID) → the element claiming it."""
    pages = _page_numbers(pdf)
    claimed: dict[tuple[int, int], pikepdf.Dictionary] = {}
    elements: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()
    stack = [(kid, tree_root, None) for kid in _kids(tree_root)]
    while stack:
        node, parent, page = stack.pop()
        if isinstance(node, int) and not isinstance(node, bool):
            _claim(claimed, (page, int(node)), parent, report)
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        kind = node.get("/Type")
        if kind == pikepdf.Name("/MCR"):
            mcr_page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
            _claim(claimed, (mcr_page, int(node.MCID)), parent, report)
            continue
        if kind == pikepdf.Name("/OBJR"):
            continue
        if node.objgen in seen:
            report.problems.append(f"structure element {node.get('/S')} appears twice in the tree")
            continue
        seen.add(node.objgen)
        elements.append(node)
        if "/P" in node and parent is not tree_root and node.P.objgen != parent.objgen:
            report.problems.append(f"{node.get('/S')}'s /P is not the element that holds it")
        element_page = pages.get(node.Pg.objgen, page) if "/Pg" in node else page
        stack.extend((kid, node, element_page) for kid in reversed(_kids(node)))
    return claimed, elements


def _kids(node: pikepdf.Dictionary) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _claim(claimed, key, element, report: TaggedPdfReport) -> None:
    if key[0] is None:
        report.problems.append(f"MCID {key[1]} of {element.get('/S')} has no page (/Pg)")
    elif key in claimed:
        report.problems.append(f"page {key[0] + 1} MCID {key[1]} is claimed by two structure elements")
    else:
        claimed[key] = element


def _check_content(pdf: pikepdf.Pdf, claimed, report: TaggedPdfReport) -> None:
    """Each page's marked content: tagged sequences are claimed and not empty; no text
    outside marked content; every MCID the tree claims is drawn."""
    drawn: set[tuple[int, int]] = set()
    for index, page in enumerate(pdf.pages):
        stack: list[dict] = []
        for instruction in pikepdf.parse_content_stream(page):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                if stack:
                    stack[-1]["painted"] = True
                continue
            operator, operands = str(instruction.operator), instruction.operands
            if operator in ("BDC", "BMC"):
                properties = operands[1] if operator == "BDC" else None
                mcid = (
                    int(properties.MCID)
                    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                    else None
                )
                stack.append({"tag": str(operands[0]), "mcid": mcid, "painted": False})
            elif operator == "EMC":
                if not stack:
                    report.problems.append(f"page {index + 1}: EMC without a BDC or BMC")
                    continue
                sequence = stack.pop()
                if stack and sequence["painted"]:
                    stack[-1]["painted"] = True
                if sequence["mcid"] is not None:
                    key = (index, sequence["mcid"])
                    drawn.add(key)
                    if key not in claimed:
                        report.problems.append(
                            f"page {index + 1}: {sequence['tag']} MCID {key[1]} belongs to no element of "
                            "the structure tree (tag it or mark it as an artifact)"
                        )
                    if not sequence["painted"]:
                        report.problems.append(
                            f"page {index + 1}: empty marked-content sequence {sequence['tag']} MCID {key[1]}"
                        )
            elif operator in PAINTING_OPERATORS:
                if stack:
                    stack[-1]["painted"] = True
                elif operator in TEXT_OPERATORS:
                    report.problems.append(f"page {index + 1}: text outside any marked content ({operator})")
        if stack:
            report.problems.append(f"page {index + 1}: {len(stack)} marked-content sequence(s) never closed")
    for key in sorted(set(claimed) - drawn):
        report.problems.append(
            f"page {key[0] + 1}: the tree claims MCID {key[1]}, which the page never draws"
        )


def _check_parent_tree(pdf: pikepdf.Pdf, tree_root, claimed, report: TaggedPdfReport) -> None:
    """The parent tree maps each page's MCIDs back to the element that claims them."""
    if "/ParentTree" not in tree_root:
        report.problems.append("no /ParentTree in the structure tree root")
        return
    entries = dict(pikepdf.NumberTree(tree_root.ParentTree).items())
    by_page: dict[int, list] = defaultdict(list)
    for (page_index, mcid), element in claimed.items():
        by_page[page_index].append((mcid, element))
    for index, page in enumerate(pdf.pages):
        if "/StructParents" not in page.obj:
            if by_page[index]:
                report.problems.append(f"page {index + 1} has tagged content but no /StructParents")
            continue
        array = entries.get(int(page.obj.StructParents))
        for mcid, element in by_page[index]:
            if (
                not isinstance(array, pikepdf.Array)
                or mcid >= len(array)
                or not isinstance(array[mcid], pikepdf.Dictionary)
                or array[mcid].objgen != element.objgen
            ):
                report.problems.append(f"page {index + 1}: the parent tree does not lead MCID {mcid} back")


def _check_elements(elements, report: TaggedPdfReport) -> None:
    def marks_content(node) -> bool:
        for kid in _kids(node):
            if isinstance(kid, int) and not isinstance(kid, bool):
                return True
            if isinstance(kid, pikepdf.Dictionary) and (
                kid.get("/Type") in (pikepdf.Name("/MCR"), pikepdf.Name("/OBJR")) or marks_content(kid)
            ):
                return True
        return False

    for element in elements:
        role = str(element.get("/S"))
        if role in HEADINGS and not marks_content(element):
            report.problems.append(f"empty heading {role}")
        if role == "/Span" and not marks_content(element):
            report.problems.append("empty /Span element")
        if role == "/Figure" and not str(element.get("/Alt", element.get("/ActualText", ""))).strip():
            report.problems.append("a /Figure has no /Alt text")
        if role == "/TH":
            attributes = element.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary) or "/Scope" not in attributes:
                report.problems.append("a table header cell (/TH) has no /Scope")


def _check_links(pdf: pikepdf.Pdf, tree_root, report: TaggedPdfReport) -> dict[int, list[tuple[int, int]]]:
    """Each link annotation: a readable /Contents and a /Link element that holds it.
    Returns, per link (its index in report.links), the (page, MCID)s of its words."""
    pages = _page_numbers(pdf)
    parents = dict(pikepdf.NumberTree(tree_root.ParentTree).items()) if "/ParentTree" in tree_root else {}
    link_mcids: dict[int, list[tuple[int, int]]] = {}
    for page in pdf.pages:
        index = pages[page.obj.objgen]
        for annotation in page.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") != pikepdf.Name("/Link"):
                continue
            description = str(annotation.get("/Contents", "")).strip()
            target = str(annotation.get("/Dest", "")) or str(annotation.get("/A", {}).get("/URI", ""))
            if not description or description == target or " " not in description:
                report.problems.append(
                    f"page {index + 1}: link to {target!r} has no readable description ({description!r})"
                )
            element = parents.get(int(annotation.StructParent)) if "/StructParent" in annotation else None
            if not isinstance(element, pikepdf.Dictionary) or element.get("/S") != pikepdf.Name("/Link"):
                report.problems.append(f"page {index + 1}: link to {target!r} has no /Link structure element")
                mcids = []
            else:
                mcids = [(index, int(kid)) for kid in _kids(element) if isinstance(kid, int)]
            link_mcids[len(report.links)] = mcids
            report.links.append({"target": target, "description": description, "words": ""})
    return link_mcids


def _read_text(path, link_mcids, report: TaggedPdfReport) -> None:
    """The text of each page by marking, and the words of each link, from pdfplumber's
    per-character marked-content tag and MCID."""
    by_mcid: dict[tuple[int, int], list[str]] = defaultdict(list)
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            runs: dict[str, list[list]] = {"content": [], "artifact": [], "header": [], "footer": []}
            previous_end = None
            for char in page.chars:
                # A new run (joined with a space) at each change of marking or line, and at a
                # gap wider than a space: margin boxes are separate boxes on one line.
                gap = previous_end is not None and char["x0"] - previous_end > char["size"] * 0.5
                previous_end = char["x1"]
                tag = char.get("tag") or ""
                if tag == "Artifact":
                    kinds = ["artifact"]
                    top = char["top"] < page.height / 2
                    kinds.append("header" if top else "footer")
                else:
                    kinds = ["content"]
                    if char.get("mcid") is not None:
                        by_mcid[(index, char["mcid"])].append(char["text"])
                for kind in kinds:
                    key = (tag, char.get("mcid"), round(char["top"]))
                    if runs[kind] and runs[kind][-1][0] == key and not gap:
                        runs[kind][-1][1] += char["text"]
                    else:
                        runs[kind].append([key, char["text"]])
            for kind, target in (
                ("content", report.content_text),
                ("artifact", report.artifact_text),
                ("header", report.header_text),
                ("footer", report.footer_text),
            ):
                target.append(" ".join(" ".join(text for _key, text in runs[kind]).split()))
    for number, mcids in link_mcids.items():
        words = " ".join("".join("".join(by_mcid[key]) for key in mcids).split())
        report.links[number]["words"] = words
        if re.search(r"(\.\s*){3,}", words):
            report.problems.append(f"leader dots inside the link {words!r}")


def _run_pdfua(path, report: TaggedPdfReport) -> None:
    from pdfua import validate

    result = validate(str(path))
    for outcome in result.outcomes:
        if outcome.skipped_reason:
            report.pdfua_skipped[outcome.rule_id] = outcome.skipped_reason
        for finding in outcome.findings:
            report.pdfua_findings.append(f"{finding.rule_id} {finding.severity.name}: {finding.message}")
