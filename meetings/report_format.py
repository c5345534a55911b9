"""The standard council layout of a board report, shared by the web page and the PDF.

Sections are numbered in order, skipping those left empty, and each paragraph
(text separated by a blank line) is numbered within its section, as in 3.1, 3.2.
Lines starting with "- " or "• " become a bullet list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import BoardReport

# (field name, heading) in the order the council format puts them.
SECTIONS: list[tuple[str, str]] = [
    ("purpose", "Purpose of the report"),
    ("background", "Background"),
    ("detail", "Current position"),
    ("recommendations", "Recommendations"),
    ("financial_implications", "Financial implications"),
    ("legal_implications", "Legal implications"),
    ("risk_assessment", "Risk assessment"),
    ("consultation", "Consultation"),
    ("background_papers", "Background papers"),
]
CONTACT_HEADING = "Contact officer"
BULLETS = ("- ", "• ", "· ")


@dataclass
class Block:
    number: str = ""
    text: str = ""
    items: list[str] = field(default_factory=list)

    @property
    def is_list(self) -> bool:
        return bool(self.items)


@dataclass
class Section:
    number: int
    heading: str
    field_name: str
    blocks: list[Block]


def _blocks(section_number: int, text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph_number = 0
    for chunk in [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]:
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if all(line.startswith(BULLETS) for line in lines):
            blocks.append(Block(items=[line[2:].strip() for line in lines]))
            continue
        paragraph_number += 1
        intro = [line for line in lines if not line.startswith(BULLETS)]
        bullets = [line[2:].strip() for line in lines if line.startswith(BULLETS)]
        blocks.append(Block(number=f"{section_number}.{paragraph_number}", text="\n".join(intro)))
        if bullets:
            blocks.append(Block(items=bullets))
    return blocks


def report_sections(report: BoardReport, recommendations: list | None = None) -> list[Section]:
    """The report's non-empty sections, numbered in the council order."""
    if recommendations is None:
        recommendations = list(report.recommendations.all())
    sections: list[Section] = []
    for field_name, heading in SECTIONS:
        number = len(sections) + 1
        if field_name == "recommendations":
            if not recommendations:
                continue
            blocks = [
                Block(number=f"{number}.{index}", text=r.text) for index, r in enumerate(recommendations, 1)
            ]
        else:
            text = getattr(report, field_name)
            if not text.strip():
                continue
            blocks = _blocks(number, text)
        sections.append(Section(number=number, heading=heading, field_name=field_name, blocks=blocks))
    return sections
