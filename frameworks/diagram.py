"""The governance diagram of a framework of cooperation, drawn by Graphviz from the data.

``governance_svg(framework)`` returns SVG text that can be inlined in a page or a
WeasyPrint PDF. Boards are boxes, relationships labelled arrows, and shared
functions sit in a cluster named after the group that delivers them. Each kind
of relationship has its own line style and arrowhead as well as its label, so the
diagram reads the same printed in black and white.

We call the Debian ``dot`` binary directly (rather than the PyPI ``graphviz``
wrapper, which does the same subprocess call) so that we control the timeout and
need no extra package. The output is cleaned for the page's Content-Security-Policy:
no ``style`` attributes, no scripts, no event handlers, no external links.
"""

from __future__ import annotations

import hashlib
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from safeguarding import heavy_renders

from .models import Framework, RelationshipKind

DOT_TIMEOUT_SECONDS = 10
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FONT = "Liberation Sans"


@dataclass(frozen=True)
class EdgeStyle:
    style: str
    arrowhead: str
    legend: str


# Line style and arrowhead per kind: readable without colour.
EDGE_STYLES: dict[str, EdgeStyle] = {
    RelationshipKind.REPORTS_TO: EdgeStyle("solid", "normal", "solid line, filled arrow"),
    RelationshipKind.SCRUTINISES: EdgeStyle("dashed", "empty", "dashed line, open arrow"),
    RelationshipKind.ADVISES: EdgeStyle("dotted", "vee", "dotted line, barbed arrow"),
    RelationshipKind.RECEIVES_ANNUAL_REPORT_FROM: EdgeStyle("bold", "box", "thick line, square end"),
    RelationshipKind.HOLDS_TO_ACCOUNT: EdgeStyle("bold,dashed", "diamond", "thick dashed line, diamond end"),
}


class DiagramError(Exception):
    """Graphviz failed or timed out; the page shows the text alternative instead."""


def _quote(text: str) -> str:
    """A DOT double-quoted string; newlines become centred line breaks."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _wrap(text: str, width: int = 28) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return "\n".join(lines)


def _drawn_relationships(framework: Framework, consented: set[int]) -> list:
    """Only boards that have consented are in the framework (a request is not a binding),
    so a relationship is drawn only between two of them. A new version copies its
    relationships before the boards have consented again."""
    return [
        relationship
        for relationship in framework.relationships.select_related("from_board", "to_board")
        if relationship.from_board_id in consented and relationship.to_board_id in consented
    ]


def _consented_board_ids(framework: Framework) -> set[int]:
    return set(framework.framework_boards.consented().values_list("board_id", flat=True))


def governance_dot(framework: Framework) -> str:
    """The DOT source for the framework's diagram."""
    framework_boards = list(framework.framework_boards.consented().select_related("board"))
    relationships = _drawn_relationships(framework, {fb.board_id for fb in framework_boards})
    shared_functions = list(framework.shared_functions.prefetch_related("boards"))
    drawn = {fb.board_id for fb in framework_boards}

    lines = [
        "digraph governance {",
        f'  graph [rankdir=TB, compound=true, nodesep=0.6, ranksep=0.9, fontname="{FONT}", fontsize=14];',
        f'  node [shape=box, style="rounded", fontname="{FONT}", fontsize=14, color=black, fontcolor=black, margin="0.2,0.1"];',
        f'  edge [fontname="{FONT}", fontsize=12, color=black, fontcolor=black];',
    ]
    for fb in framework_boards:
        label = f"{fb.board.short_name}\n{_wrap(fb.board.name)}"
        if fb.primary_function:
            label += f"\n({fb.primary_function})"
        peripheries = 2 if not fb.is_party else 1
        lines.append(f"  board_{fb.board_id} [label={_quote(label)}, peripheries={peripheries}];")

    groups: dict[str, list] = {}
    for shared in shared_functions:
        groups.setdefault(shared.delivered_by, []).append(shared)
    for index, (group, functions) in enumerate(groups.items()):
        lines.append(f"  subgraph cluster_group_{index} {{")
        lines.append(f"    label={_quote('Delivered through ' + group)}; style=dashed; color=black;")
        for shared in functions:
            lines.append(f"    shared_{shared.pk} [label={_quote(_wrap(shared.name, 22))}, shape=note];")
        lines.append("  }")
        anchor = f"shared_{functions[0].pk}"
        sharing_boards = sorted(
            {board.pk for shared in functions for board in shared.boards.all() if board.pk in drawn}
        )
        for board_id in sharing_boards:
            lines.append(
                f"  board_{board_id} -> {anchor} [lhead=cluster_group_{index}, style=dotted, "
                f'arrowhead=none, label="shares"];'
            )

    for relationship in relationships:
        edge = EDGE_STYLES[relationship.kind]
        lines.append(
            f"  board_{relationship.from_board_id} -> board_{relationship.to_board_id} "
            f"[label={_quote(relationship.get_kind_display())}, style={_quote(edge.style)}, "
            f"arrowhead={edge.arrowhead}];"
        )
    lines.append("}")
    return "\n".join(lines)


def render_svg(dot_source: str) -> str:
    """Graphviz's drawing of ``dot_source``, kept in the shared cache under a digest of the
    source: the framework page, its PDF and board packs draw the same diagram again only
    when the framework changes, not on every view (issue 15 point 1). Errors are not kept."""
    key = f"graphviz-svg:{hashlib.sha256(dot_source.encode('utf-8')).hexdigest()}"
    svg = heavy_renders.cached_text(key)
    if svg is None:
        svg = _run_dot(dot_source)
        heavy_renders.keep_text(key, svg)
    return svg


def _run_dot(dot_source: str) -> str:
    try:
        completed = subprocess.run(
            ["dot", "-Tsvg"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=True,
        )
    except FileNotFoundError as error:
        raise DiagramError("Graphviz (dot) is not installed.") from error
    except subprocess.TimeoutExpired as error:
        raise DiagramError("Graphviz took too long to draw the diagram.") from error
    except subprocess.CalledProcessError as error:
        raise DiagramError(f"Graphviz could not draw the diagram: {error.stderr.decode()[:200]}") from error
    return completed.stdout.decode("utf-8")


def clean_svg(svg: str, title: str, description: str = "", id_prefix: str = "") -> str:
    """Make Graphviz output safe to inline under our CSP and accessible.

    Removes the XML prolog and doctype, every ``style`` attribute, ``<script>``
    elements, ``on…`` handlers and links; sets role="img" with a <title> (and
    <desc>) named by aria-labelledby. The natural width and height stay, so a
    small diagram is not blown up; the stylesheet shrinks a wide one to fit.
    """
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg.encode("utf-8"))
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "a") and element is not root:
            parent = parents[element]
            if tag == "a":  # keep the drawing inside a link, drop the link
                index = list(parent).index(element)
                for offset, child in enumerate(list(element)):
                    parent.insert(index + offset, child)
            parent.remove(element)
            continue
        for attribute in list(element.attrib):
            local = attribute.rsplit("}", 1)[-1]
            if local == "style" or local.startswith("on") or local == "href":
                del element.attrib[attribute]
        if "id" in element.attrib:
            # Several diagrams may share a page (a board pack): keep their ids apart.
            element.set("id", id_prefix + element.attrib["id"])
        if tag == "title" and element is not root:
            # Graphviz's own per-node titles ("board_3", "board_3->board_4") are ids, not text.
            parents[element].remove(element)
    root.set("role", "img")
    root.set("class", "app-diagram__svg")
    root.set("aria-labelledby", f"{id_prefix}diagram-title {id_prefix}diagram-desc")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{id_prefix}diagram-title"})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{id_prefix}diagram-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    return ET.tostring(root, encoding="unicode")


def describe(framework: Framework) -> str:
    """A one-paragraph text equivalent of the diagram, for <desc> and screen readers."""
    relationships = [str(r) for r in _drawn_relationships(framework, _consented_board_ids(framework))]
    shared = [f"{s.name} delivered through {s.delivered_by}" for s in framework.shared_functions.all()]
    parts = []
    if relationships:
        parts.append("Relationships: " + "; ".join(relationships) + ".")
    if shared:
        parts.append("Shared functions: " + "; ".join(shared) + ".")
    return " ".join(parts) or "No relationships recorded."


def governance_svg(framework: Framework) -> str:
    """The framework's governance diagram as inline-safe SVG text. Raises DiagramError.

    Its element ids start with "framework-<pk>-", so diagrams of several frameworks
    can share one page or PDF.
    """
    return clean_svg(
        render_svg(governance_dot(framework)),
        title=f"Governance diagram: {framework.title}, version {framework.version}",
        description=describe(framework),
        id_prefix=f"framework-{framework.pk}-",
    )
