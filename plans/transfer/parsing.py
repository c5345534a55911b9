"""Read the text of one plan cell: timescales, objective numbers, leads, progress notes, measures.

Every function here takes any string and returns a value; none raises. What cannot be
read is returned as text with ``flagged=True`` so the preview can show a warning and the
import can keep the words as the plan wrote them.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9

MONTH = "month"
DAY = "day"

# Bullets Word and people use to list several items in one cell.
BULLETS = "•·▪◦●■□➢➤►‣⁃*"
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Timescale:
    """A timescale cell read as a due date, or kept as text and flagged."""

    text: str
    due: datetime.date | None = None
    precision: str | None = None  # MONTH (due is the month's last day) or DAY
    flagged: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.text


def clean(text: object) -> str:
    """One line of text: no control characters, single spaces, trimmed."""
    if text is None:
        return ""
    value = str(text).replace("\u00a0", " ")
    value = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in value)
    return _SPACES.sub(" ", value).strip()


def _year(text: str) -> int | None:
    if not text.isdigit() or len(text) not in (2, 4):
        return None
    year = int(text)
    if len(text) == 2:
        year += 2000
    return year if 1900 <= year <= 2199 else None


def _month(text: str) -> int | None:
    word = text.lower().rstrip(".")
    if word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(word)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int | None, month: int | None, day_text: str) -> datetime.date | None:
    if year is None or month is None or not day_text.isdigit():
        return None
    day = int(day_text)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return datetime.date(year, month, day)


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NUMERIC_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$")
_NUMERIC_DAY_DASHED = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})$")
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")
_WORDS_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE)
_WORDS_MONTH = re.compile(r"^([a-z]+)\.?,?\s+(\d{4}|'\d{2})$", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:-|\bto\b|\buntil\b|\btill\b)\s*", re.IGNORECASE)
_END_OF = re.compile(r"^(?:by (?:the )?end(?: of)?|end(?: of)?|by)\s+", re.IGNORECASE)


def _single(text: str) -> tuple[datetime.date, str] | None:
    """One date: "December 2011", "Dec 2011", "01.09.11", "1 September 2011", "2011-09-01"."""
    text = _END_OF.sub("", text.strip().rstrip(".,;"))
    if match := _ISO_DAY.match(text):
        year, month, day = match.groups()
        found = _day(_year(year), _month(month), day)
        return (found, DAY) if found else None
    if match := _ISO_MONTH.match(text):
        year, month = _year(match[1]), _month(match[2])
        return (_month_end(year, month), MONTH) if year and month else None
    for pattern in (_NUMERIC_DAY, _NUMERIC_DAY_DASHED):
        if match := pattern.match(text):
            day, month, year = match.groups()
            found = _day(_year(year), _month(month), day)
            return (found, DAY) if found else None
    if match := _NUMERIC_MONTH.match(text):
        month, year = _month(match[1]), _year(match[2])
        return (_month_end(year, month), MONTH) if year and month else None
    if match := _WORDS_DAY.match(text):
        day, month_word, year = match.groups()
        if month_word.isdigit():
            return None
        found = _day(_year(year), _month(month_word), day)
        return (found, DAY) if found else None
    if match := _WORDS_MONTH.match(text):
        month_word, year_text = match.groups()
        if month_word.isdigit():
            return None
        month, year = _month(month_word), _year(year_text.lstrip("'"))
        return (_month_end(year, month), MONTH) if year and month else None
    return None


def parse_timescale(value: object) -> Timescale:
    """Read a timescale; a range ("Sept 2011-Dec 2011") is due at its end.

    Never raises: unreadable text comes back flagged, with no due date.
    """
    text = clean(value)
    if not text:
        return Timescale(text="")
    if len(text) > 60:
        return Timescale(text=text, flagged=True)
    normalised = _DASHES.sub("-", text)
    found = _single(normalised)
    if found is None:
        parts = [part for part in _RANGE.split(normalised) if part]
        if len(parts) == 2:
            end = _single(parts[1])
            start_ok = _single(parts[0]) is not None or _month(parts[0].strip()) is not None
            if end is not None and start_ok:
                found = end
    if found is None:
        return Timescale(text=text, flagged=True)
    due, precision = found
    return Timescale(text=text, due=due, precision=precision)


def format_due(due: datetime.date | None, precision: str | None) -> str:
    """The inverse of parse_timescale for a due date: "December 2011" or "15 December 2011"."""
    if due is None:
        return ""
    if precision == MONTH:
        return f"{calendar.month_name[due.month]} {due.year}"
    return f"{due.day} {calendar.month_name[due.month]} {due.year}"


def split_items(value: object) -> list[str]:
    """Several items in one cell: one a line or paragraph, or separated by bullets."""
    if value is None:
        return []
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    items = []
    for line in text.split("\n"):
        for piece in re.split(f"[{re.escape(BULLETS)}]", line):
            item = clean(piece)
            if item.startswith("- "):
                item = item[2:].strip()
            if item:
                items.append(item)
    return items


@dataclass(frozen=True)
class Cell:
    """A value read from a cell, with flagged=True when it needs a person to check it."""

    value: tuple
    flagged: bool = False


_OBJECTIVE_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?)[.):]?\s+(.+)$", re.IGNORECASE | re.DOTALL)


def parse_objective(value: object) -> Cell:
    """ "1.1 Children … receive a robust service" → ("1.1", "Children …"). No number → flagged."""
    text = clean(" ".join(split_items(value)))
    match = _OBJECTIVE_NUMBER.match(text)
    if match:
        return Cell((match[1].rstrip("."), match[2].strip()))
    return Cell(("", text), flagged=True)


_DEFERRED = re.compile(r"^(?P<lead>.*?)[\s,;(]*\bdeferred to\b\s*(?:the\s+)?(?P<to>.*?)\)?$", re.IGNORECASE)


def parse_lead(value: object) -> Cell:
    """ "BPG (deferred to SSP led group)" → ("BPG", "SSP led group"). Empty → flagged."""
    text = clean(" ".join(split_items(value)))
    if not text:
        return Cell(("", ""), flagged=True)
    match = _DEFERRED.match(text)
    if match and match["lead"].strip():
        return Cell((match["lead"].strip(" (,;"), match["to"].strip()))
    return Cell((text, ""))


_NOTE_DATE = re.compile(r"^(?P<date>[0-9A-Za-z][0-9A-Za-z ./-]{4,24}?)\s*:\s+(?P<text>\S.*)$", re.DOTALL)


def parse_progress_note(value: object) -> Cell:
    """ "30 June 2011: Action plan reviewed" → (date(2011, 6, 30), "Action plan reviewed").

    A note without a leading day-precision date gives (None, text) and is not flagged:
    the import dates it "as of" the day the user gives.
    """
    text = clean(value)
    match = _NOTE_DATE.match(text)
    if match:
        found = _single(_DASHES.sub("-", match["date"]))
        if found is not None and found[1] == DAY:
            return Cell((found[0], match["text"].strip()))
    return Cell((None, text), flagged=not text)


def split_progress(value: object) -> list[tuple[datetime.date | None, str]]:
    """A progress cell as notes. When notes carry dates ("30 June 2011: …"), an undated
    line continues the note above it (a note written over several lines)."""
    notes: list[tuple[datetime.date | None, str]] = []
    dated = False
    for item in split_items(value):
        date, text = parse_progress_note(item).value
        if date is not None:
            dated = True
            notes.append((date, text))
        elif dated and notes:
            previous_date, previous_text = notes[-1]
            notes[-1] = (previous_date, f"{previous_text}\n{text}")
        elif text:
            notes.append((None, text))
    return notes


_INDICATOR = re.compile(r"\(\s*((?:NI|LI|PI|KPI)\s?\d{1,4}[a-z]?)\s*\)", re.IGNORECASE)


def parse_measure(value: object) -> Cell:
    """ "Reduction in … (NI64)" → ("Reduction in … (NI64)", "NI64"): the code is read, the text kept."""
    text = clean(value)
    match = _INDICATOR.search(text)
    code = match[1].upper().replace(" ", "") if match else ""
    return Cell((text, code), flagged=not text)


_AREA_HEADING = re.compile(
    r"^priority\s*(?:area)?\s*(?P<number>\d{1,3})\s*(?:[-:.]\s*)?(?P<rest>.*)$", re.IGNORECASE | re.DOTALL
)


def parse_area_heading(value: object) -> Cell:
    """ "Priority Area 2 – Tackle … (Priority outcome 5 of …)" → (2, "Tackle …", "Priority outcome 5 of …").

    A trailing bracket of three words or more names the wider plan the area serves;
    a short one ("(SCR)") stays in the title. Not a heading → flagged, value (None, text, "").
    """
    text = clean(value)
    match = _AREA_HEADING.match(_DASHES.sub("-", text))
    if not match:
        return Cell((None, text, ""), flagged=True)
    number = int(match["number"])
    # Keep the original dashes in the title: only the separator after the number is dropped.
    rest = re.sub(r"^priority\s*(?:area)?\s*\d{1,3}\s*(?:[-:.\u2010-\u2015\u2212]\s*)?", "", text, flags=re.I)
    title, link = rest.strip(), ""
    if title.endswith(")"):
        depth, start = 0, None
        for index in range(len(title) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(title[index], 0)
            if depth == 0:
                start = index
                break
        if start is not None and start > 0:
            inner = title[start + 1 : -1].strip()
            if len(inner.split()) >= 3:
                title, link = title[:start].strip(), inner
    if number < 1:
        return Cell((None, text, ""), flagged=True)
    return Cell((number, title or f"Priority Area {number}", link))


def normalise_heading(value: object) -> str:
    """A column heading compared by meaning: lower case, letters and digits only."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", clean(value).lower().replace("&", " and ")).split())
