"""Read an action's RAG rating and status as boards record them.

A letter or a word ("G", "Amber"), two ratings ("A/G": the worse one, the text kept),
"Complete", "Completed" or "Done" (status complete and blue, whichever column says it), and
cell shading alone (the fill colour of the RAG or status cell, in Word and Excel).
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field

from plans.models import Rag, Status

from .parsing import clean, normalise_heading

RAG_WORDS: dict[str, str] = {
    "r": Rag.RED,
    "red": Rag.RED,
    "a": Rag.AMBER,
    "amber": Rag.AMBER,
    "orange": Rag.AMBER,
    "yellow": Rag.AMBER,
    "g": Rag.GREEN,
    "green": Rag.GREEN,
    "b": Rag.BLUE,
    "blue": Rag.BLUE,
    "blue complete": Rag.BLUE,
    "on track": Rag.GREEN,
    "on target": Rag.GREEN,
    "at risk": Rag.AMBER,
    "some concerns": Rag.AMBER,
    "off track": Rag.RED,
    "not on track": Rag.RED,
    "significant concerns": Rag.RED,
}
COMPLETE_WORDS = {"complete", "completed", "done", "achieved", "closed", "finished", "c"}
STATUS_WORDS: dict[str, str] = {normalise_heading(label): value for value, label in Status.choices} | {
    normalise_heading(value): value for value in Status.values
}
STATUS_WORDS |= {
    "ongoing": Status.IN_PROGRESS,
    "in hand": Status.IN_PROGRESS,
    "started": Status.IN_PROGRESS,
    "underway": Status.IN_PROGRESS,
    "under way": Status.IN_PROGRESS,
    "not yet started": Status.NOT_STARTED,
    "postponed": Status.DEFERRED,
    "on hold": Status.DEFERRED,
}
# Worst first: two ratings in one cell ("A/G") read as the worse of them.
SEVERITY: list[str] = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE]
_SEPARATORS = re.compile(r"\s*(?:/|\\|&|\bto\b|-|–|,)\s*")


def rag_of_fill(colour: str | None) -> str:
    """A cell's fill colour (hex RGB or ARGB) as a RAG rating, or "" when it is not one."""
    if not colour:
        return ""
    text = colour.strip().lstrip("#").upper()
    if len(text) == 8:
        text = text[2:]  # ARGB
    if len(text) != 6 or any(ch not in "0123456789ABCDEF" for ch in text):
        return ""
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    if saturation < 0.35 or value < 0.35:
        return ""  # white, greys, black and pale tints are table styling, not a rating
    degrees = hue * 360
    if degrees < 15 or degrees >= 330:
        return Rag.RED
    if degrees < 65:
        return Rag.AMBER
    if degrees < 170:
        return Rag.GREEN
    if degrees < 260:
        return Rag.BLUE
    return ""


@dataclass
class RagReading:
    status: str = Status.NOT_STARTED
    rag: str = Rag.NOT_RATED
    # Words of the cell beyond the rating ("Amber – awaiting data", "A/G"): kept as a note.
    note: str = ""
    warnings: list[str] = field(default_factory=list)


def _rag_words(text: str) -> tuple[str, bool] | None:
    """(rating, exact) for a cell that is a rating; exact=False when more than one is given."""
    key = normalise_heading(text)
    if not key:
        return None
    if key in COMPLETE_WORDS:
        return Rag.BLUE, True
    if key in RAG_WORDS:
        return RAG_WORDS[key], True
    parts = [normalise_heading(part) for part in _SEPARATORS.split(clean(text)) if normalise_heading(part)]
    if 1 < len(parts) <= 3 and all(part in RAG_WORDS for part in parts):
        found = {RAG_WORDS[part] for part in parts}
        return min(found, key=SEVERITY.index), False
    first = key.split()[0]
    if first in RAG_WORDS and len(first) > 1:
        return RAG_WORDS[first], False  # "Amber – awaiting the audit report"
    if first in COMPLETE_WORDS and len(first) > 1:
        return Rag.BLUE, False
    return None


def read_rag_and_status(rag_text: str, status_text: str, fill: str = "") -> RagReading:
    """Status and RAG of one action from its RAG cell, status cell and the RAG cell's fill."""
    reading = RagReading()
    rag_text, status_text = clean(rag_text), clean(status_text)
    status_key = normalise_heading(status_text)
    status_given = False
    if status_key:
        if status_key in COMPLETE_WORDS:
            reading.status, status_given = Status.COMPLETE, True
        elif status_key in STATUS_WORDS:
            reading.status, status_given = STATUS_WORDS[status_key], True
        elif (found := _rag_words(status_text)) is not None:
            # A "Status" column that holds RAG words is the RAG column.
            if not rag_text:
                rag_text = status_text
        else:
            reading.warnings.append(
                f"The status “{status_text}” is not one of {', '.join(Status.labels)}: “Not started” is used."
            )
    if normalise_heading(rag_text) in {"not rated", "n a", "na", "none", "tbc"}:
        rag_text = ""
    if rag_text:
        found = _rag_words(rag_text)
        if found is None:
            if normalise_heading(rag_text) in STATUS_WORDS and not status_given:
                reading.status = STATUS_WORDS[normalise_heading(rag_text)]
            else:
                reading.warnings.append(
                    f"The RAG rating “{rag_text}” is not red, amber, green or blue: it is left unrated."
                )
        else:
            reading.rag, exact = found
            if not exact:
                reading.note = f"RAG as written in the file: {rag_text}"
                reading.warnings.append(
                    f"The RAG rating “{rag_text}” is read as {Rag(reading.rag).label}; the words are kept "
                    "as a progress note."
                )
    elif fill:
        reading.rag = rag_of_fill(fill)
    # Complete and blue go together, whichever column says it.
    if reading.rag == Rag.BLUE:
        reading.status = Status.COMPLETE
    elif reading.status == Status.COMPLETE and not reading.rag:
        reading.rag = Rag.BLUE
    elif reading.rag and not status_given:
        # A plan rates the actions it is working on: "Green" with no status is under way.
        reading.status = Status.IN_PROGRESS
    return reading
