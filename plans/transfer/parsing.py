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
ONGOING = "ongoing"
RECURRING = "recurring"

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
    recurrence: str = ""  # ONGOING or RECURRING: kept as text, never flagged as unreadable

    @property
    def is_empty(self) -> bool:
        return not self.text


def clean(text: object) -> str:
    """One line of text: no control characters, single spaces, trimmed."""
    if text is None:
        return ""
    value = str(text).replace("\u00a0", " ")
    if not value.replace("\n", "").replace("\t", "").isprintable():  # the rare slow path
        value = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in value)
    return _SPACES.sub(" ", value).strip()


def clean_lines(text: object) -> str:
    """Text of several lines: each line cleaned, empty lines dropped, the line breaks kept."""
    if text is None:
        return ""
    lines = (clean(line) for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


# An action's own number at the start of its text: "1.", "3.2", "1a)", "12)", "WS3P21".
_ACTION_NUMBER = re.compile(
    r"^(?:(?P<plain>\d{1,3}[a-z]?)[.)]|(?P<dotted>\d{1,3}(?:\.\d{1,3}){1,3}[a-z]?)[.)]?"
    r"|(?P<code>[A-Z]{1,4}\d{1,3}(?:[A-Z]{1,2}\d{1,3})?)[.):]?|\((?P<bracketed>\d{1,3}[a-z]?)\))\s+(?P<rest>\S.*)$",
    re.DOTALL,
)


def split_action_number(text: str) -> tuple[str, str]:
    """ "3.2 Review the audit" → ("3.2", "Review the audit"); text without a number → ("", text)."""
    match = _ACTION_NUMBER.match(text)
    if not match:
        return "", text
    number = match["plain"] or match["dotted"] or match["code"] or match["bracketed"]
    if match["code"] and re.match(r"^(?:NI|LI|PI|KPI)\d+$", number):
        return "", text  # "NI64 data …" starts with an indicator, not a number
    return number[:20], match["rest"].strip()


def _year(text: str) -> int | None:
    if not text.isdecimal() or len(text) not in (2, 4):
        return None
    year = int(text)
    if len(text) == 2:
        year += 2000
    return year if 1900 <= year <= 2199 else None


def _month(text: str) -> int | None:
    word = text.lower().rstrip(".")
    if word.isdecimal():
        number = int(word)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(word)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int | None, month: int | None, day_text: str) -> datetime.date | None:
    if year is None or month is None or not day_text.isdecimal():
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
        if month_word.isdecimal():
            return None
        found = _day(_year(year), _month(month_word), day)
        return (found, DAY) if found else None
    if match := _WORDS_MONTH.match(text):
        month_word, year_text = match.groups()
        if month_word.isdecimal():
            return None
        month, year = _month(month_word), _year(year_text.lstrip("'"))
        return (_month_end(year, month), MONTH) if year and month else None
    return None


_WORDS_MONTH_SHORT_YEAR = re.compile(r"^([a-z]+)\.?[\s'-]+(\d{2})$", re.IGNORECASE)
_WORDS_DAY_SHORT_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{2})$", re.IGNORECASE)
_MONTH_DASH_YEAR = re.compile(r"^([a-z]+)\.?-(\d{2}|\d{4})$", re.IGNORECASE)
# "2024/25", "2024-25", "2024/2025", "FY 2024/25", "financial year 2024-25".
_FINANCIAL_YEAR = re.compile(r"^(?:fy|financial year|year)?\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.IGNORECASE)
# "Q3 2024/25", "Q3 24/25", "Q3 2025", "Quarter 3", "end of Q3", "Q3".
_QUARTER = re.compile(
    r"^(?:q|qtr|quarter)\s*([1-4])(?:\s+(?:of\s+)?(?:fy\s*)?(\d{2}|\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?)?$",
    re.IGNORECASE,
)
SEASONS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}  # the month a season ends
_SEASON = re.compile(
    r"^(spring|summer|autumn|fall|winter)(?:\s+(?:term\s+)?(\d{4}|'?\d{2}))?$", re.IGNORECASE
)
_ONGOING_WORDS = re.compile(
    r"\b(?:on-?going|continuous(?:ly)?|continuing|ongoing|as (?:and when )?required|"
    r"as needed|in place|throughout(?: the (?:year|plan))?|permanent|business as usual)\b",
    re.IGNORECASE,
)
_RECURRING_WORDS = re.compile(
    r"\b(?:quarterly|monthly|bi-?monthly|weekly|fortnightly|annual(?:ly)?|yearly|bi-?annual(?:ly)?|"
    r"six[- ]monthly|half[- ]yearly|termly|each (?:term|quarter|month|year|meeting)|"
    r"every (?:\w+ )?(?:term|quarter|month|year|meeting|board)|per (?:quarter|term|year|annum))\b",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\([^()]*\)")

Period = tuple[datetime.date, datetime.date]


def financial_year_start(year: int) -> datetime.date:
    return datetime.date(year, 4, 1)


def quarter_end(start_year: int, quarter: int) -> datetime.date:
    """The last day of quarter 1–4 of the financial year that starts in April ``start_year``."""
    month = 3 + 3 * quarter  # Q1 → June, Q2 → September, Q3 → December, Q4 → March next year
    year = start_year if month <= 12 else start_year + 1
    return _month_end(year, month - 12 if month > 12 else month)


def _period_start_year(period: Period | None) -> int | None:
    """The financial year (by its first year) in which the plan's period starts."""
    if period is None:
        return None
    start = period[0]
    return start.year if start.month >= 4 else start.year - 1


def _second_year(first: int, text: str) -> int | None:
    second = int(text) if len(text) == 4 else (first // 100) * 100 + int(text)
    return second if second == first + 1 else None


def _in_period(month: int, period: Period | None) -> datetime.date | None:
    """A month named without a year ("By March", "Spring"): its first end within the plan's period."""
    if period is None:
        return None
    start, end = period
    for year in range(start.year, end.year + 1):
        candidate = _month_end(year, month)
        if start <= candidate <= _month_end(end.year, end.month):
            return candidate
    return None


def _financial(text: str, period: Period | None) -> tuple[datetime.date, str] | None:
    """Financial-year forms, resolved against the plan's period (Q1 = April to June)."""
    text = _END_OF.sub("", text.strip().rstrip(".,;")).strip()
    if match := _FINANCIAL_YEAR.match(text):
        first = _year(match[1])
        if first and _second_year(first, match[2]):
            return _month_end(first + 1, 3), MONTH
        return None
    if match := _QUARTER.match(text):
        quarter = int(match[1])
        if match[2] and match[3]:
            first = _year(match[2])
            if not first or not _second_year(first, match[3]):
                return None
        elif match[2]:
            # "Q4 2025": the financial quarter that ends in that calendar year.
            year = _year(match[2])
            if not year:
                return None
            first = year - 1 if quarter == 4 else year
        else:
            first = _period_start_year(period)
            if first is None:
                return None
        return quarter_end(first, quarter), MONTH
    if match := _SEASON.match(text):
        month = SEASONS[match[1].lower()]
        if match[2]:
            year = _year(match[2].lstrip("'"))
            if not year:
                return None
            # "Winter 2015" ends in February 2016.
            return _month_end(year + 1 if month == 2 else year, month), MONTH
        found = _in_period(month, period)
        return (found, MONTH) if found else None
    if (named_month := _month(text)) is not None and not text.isdecimal():
        found = _in_period(named_month, period)  # "By March": the March within the plan's period
        return (found, MONTH) if found else None
    return None


def _short_year_forms(text: str) -> tuple[datetime.date, str] | None:
    """ "Mar-25", "Mar 25", "Apr '24", "31 Mar 25": a two-digit year after a month name."""
    text = _END_OF.sub("", text.strip().rstrip(".,;")).strip()
    for pattern in (_MONTH_DASH_YEAR, _WORDS_MONTH_SHORT_YEAR):
        if match := pattern.match(text):
            month, year = _month(match[1]), _year(match[2])
            if month and year and not match[1].isdecimal():
                return _month_end(year, month), MONTH
    if match := _WORDS_DAY_SHORT_YEAR.match(text):
        day, month_word, year_text = match.groups()
        found = _day(_year(year_text), _month(month_word), day) if not month_word.isdecimal() else None
        return (found, DAY) if found else None
    return None


def _one_date(text: str, period: Period | None) -> tuple[datetime.date, str] | None:
    return _single(text) or _short_year_forms(text) or _financial(text, period)


def _date_in(text: str, period: Period | None) -> tuple[datetime.date, str] | None:
    """A date, a range (due at its end) or alternatives ("June/July 2012": the later)."""
    normalised = _DASHES.sub("-", _PARENTHESES.sub(" ", text)).strip(" ,;.")
    normalised = re.sub(r"^(?:target|deadline|due|complete(?:d)? by|by)\s*:?\s*", "", normalised, flags=re.I)
    normalised = _SPACES.sub(" ", normalised).strip()
    if not normalised:
        return None
    found = _one_date(normalised, period)
    if found is not None:
        return found
    # "Sept 2011-Dec 2011", "Apr 24 - Mar 25", "June/July 2012", "Sept-Dec 2011": due at the end.
    for splitter in (_RANGE, re.compile(r"\s*/\s*")):
        parts = [part for part in splitter.split(normalised) if part.strip()]
        if len(parts) == 2:
            end = _one_date(parts[1], period)
            start_ok = (
                _one_date(parts[0], period) is not None
                or _month(parts[0].strip()) is not None
                or bool(_SEASON.match(parts[0].strip()))
            )
            if end is not None and start_ok:
                return end
    return None


def parse_timescale(value: object, period: Period | None = None) -> Timescale:
    """Read a timescale as boards write it; a range ("Sept 2011-Dec 2011") is due at its end.

    Financial-year forms ("Q3 2024/25", "2024/25", "End of Q3") and months or seasons without
    a year are resolved against the plan's ``period``. Ongoing and recurring timescales
    ("Ongoing", "Quarterly") are kept as text with ``recurrence`` set. A cell of several lines
    keeps all of them; the due date is the latest date found. Never raises: unreadable text
    comes back flagged, with no due date.
    """
    lines = [clean(line) for line in str(value if value is not None else "").splitlines()]
    text = "\n".join(line for line in lines if line)
    if not text:
        return Timescale(text="")
    if len(text) > 200:
        return Timescale(text=text, flagged=True)
    recurrence = ""
    if _RECURRING_WORDS.search(text):
        recurrence = RECURRING
    elif _ONGOING_WORDS.search(text):
        recurrence = ONGOING
    dates = []
    for line in text.split("\n"):
        found = _date_in(line, period)
        # "Report to the board March 2025": a date inside a short sentence.
        dates += [found] if found is not None else _dates_inside(line, period) if len(line) <= 80 else []
    if not dates:
        return Timescale(text=text, flagged=not recurrence, recurrence=recurrence)
    due, precision = max(dates, key=lambda found: found[0])
    return Timescale(text=text, due=due, precision=precision, recurrence=recurrence)


_DATE_INSIDE = re.compile(
    r"(\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?\s+\d{4}|[a-z]{3,9}\.?\s+\d{4}|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
    r"|q[1-4]\s+\d{4}\s*[/-]\s*\d{2,4}|\d{4}\s*/\s*\d{2,4})",
    re.IGNORECASE,
)


def _dates_inside(text: str, period: Period | None) -> list[tuple[datetime.date, str]]:
    """Dates written inside a sentence of a timescale cell ("Report to the board March 2025")."""
    found = []
    for match in _DATE_INSIDE.finditer(text):
        date = _one_date(match[1], period)
        if date is not None:
            found.append(date)
    return found


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


# "30 June 2011: …", "June 2011: …", "2010: …" (as short as a year).
_NOTE_DATE = re.compile(r"^(?P<date>[0-9A-Za-z][0-9A-Za-z ./-]{3,24}?)\s*:\s+(?P<text>\S.*)$", re.DOTALL)


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


# How an export writes a note the source gave without a date (plans.ProgressUpdate.date_label).
UNDATED_NOTE_PREFIX = "Date not recorded"
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}$")
# A note's date as exported: "30 June 2011", "June 2011" or "2010".
NOTE_DAY, NOTE_MONTH, NOTE_YEAR = "day", "month", "year"
# A note marked undated: imported without a date, never given the upload's "as of" date.
NOTE_UNDATED = "undated"


def read_progress_note(value: object) -> tuple[datetime.date | None, str, str]:
    """ "30 June 2011: …" → (30 June 2011, "…", "day"); "June 2011: …" → (30 June 2011, "…", "month");
    "2010: …" → (31 December 2010, "…", "year"); "Date not recorded: …" → (None, "…", "undated");
    anything else → (None, text, ""): a note the import dates as of the upload's day."""
    text = clean(value)
    match = _NOTE_DATE.match(text)
    if not match:
        return None, text, ""
    label, rest = match["date"].strip(), match["text"].strip()
    if label.lower() == UNDATED_NOTE_PREFIX.lower():
        return None, rest, NOTE_UNDATED
    if _YEAR_ONLY.match(label):
        return datetime.date(int(label), 12, 31), rest, NOTE_YEAR
    found = _single(_DASHES.sub("-", label))
    if found is None:
        return None, text, ""
    return found[0], rest, NOTE_DAY if found[1] == DAY else NOTE_MONTH


def split_progress_notes(value: object) -> list[tuple[datetime.date | None, str, str]]:
    """A progress cell as notes (date, text, precision as ``read_progress_note`` gives it).
    When notes carry dates ("30 June 2011: …"), an undated line continues the note above
    it (a note written over several lines)."""
    notes: list[tuple[datetime.date | None, str, str]] = []
    dated = False
    for item in split_items(value):
        date, text, precision = read_progress_note(item)
        if precision:
            dated = True
            notes.append((date, text, precision))
        elif dated and notes:
            previous_date, previous_text, previous_precision = notes[-1]
            notes[-1] = (previous_date, f"{previous_text}\n{text}", previous_precision)
        elif text:
            notes.append((None, text, ""))
    return notes


def split_progress(value: object) -> list[tuple[datetime.date | None, str]]:
    """``split_progress_notes`` without the precision."""
    return [(date, text) for date, text, _ in split_progress_notes(value)]


_INDICATOR = re.compile(r"\(\s*((?:NI|LI|PI|KPI)\s?\d{1,4}[a-z]?)\s*\)", re.IGNORECASE)


def parse_measure(value: object) -> Cell:
    """ "Reduction in … (NI64)" → ("Reduction in … (NI64)", "NI64"): the code is read, the text kept."""
    text = clean(value)
    match = _INDICATOR.search(text)
    code = match[1].upper().replace(" ", "") if match else ""
    return Cell((text, code), flagged=not text)


# "Objectives", "Objective:", "Strategic objectives –": a label that starts the area's objectives.
OBJECTIVES_LABEL = re.compile(
    r"^(?:strategic\s+|key\s+|our\s+)?(?:objectives?|aims?|what do we want to achieve\??)"
    r"(?:\s*[:\-–—]\s*|\s*\n|\s*$)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# A row naming the priority's strategic lead or sponsor: metadata of the area, not an action.
AREA_LEAD = re.compile(
    r"^(?:strategic\s+leads?|executive\s+leads?|board\s+leads?|senior\s+responsible\s+officer|"
    r"(?:executive\s+|board\s+)?sponsors?|priority\s+leads?|accountable\s+(?:leads?|officers?|board)|"
    r"lead\s+(?:sub-?group|group|partner|board\s+member)|leads?)\s*(?:\(s\))?\s*[:\-–—]\s*(?P<who>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ],
        start=1,
    )
}
# The words boards put before a priority's number: "Priority Area 1", "Strategic Priority 2",
# "Theme One", "Ambition 1", "Outcome 3", "Workstream 2", "WS3".
_AREA_HEADING = re.compile(
    r"^(?P<label>(?:strategic\s+|key\s+|board\s+)?(?:priority(?:\s+area)?|theme|ambition|outcome|workstream|"
    r"work\s+stream|ws|strand|area|aim))\s*(?P<number>\d{1,3}|"
    + "|".join(NUMBER_WORDS)
    + r")(?P<sub>[a-z])?(?![0-9a-z])\s*(?:[-:.)]+\s*)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Heading:
    """A priority heading: "PRIORITY 1a – Early help (CYPP outcome 2)" → number 1, sub "1a"."""

    number: int
    title: str
    link: str = ""
    sub: str = ""  # "1a" for a sub-priority: read as an objective of priority 1
    label: str = ""  # the heading's own words before the title, e.g. "Workstream 2"


def parse_priority_heading(value: object) -> Heading | None:
    """A priority heading in any of the forms boards use, or None."""
    text = clean(value)
    if len(text) > 300:
        return None
    match = _AREA_HEADING.match(_DASHES.sub("-", text))
    if not match:
        return None
    word = match["number"].lower()
    number = int(word) if word.isdecimal() else NUMBER_WORDS[word]
    if number < 1:
        return None
    label_words = match["label"].lower().split()
    if (
        label_words[-1] in {"area", "aim", "outcome", "strand"}
        and len(label_words) == 1
        and not match["rest"]
    ):
        return None  # "Outcome 3" alone in a cell is more likely a measure than a heading
    # Keep the original dashes in the title: only the separator after the number is dropped.
    rest = text[match.start("rest") :].strip() if match["rest"] else ""
    title, link = rest, ""
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
    sub = f"{number}{match['sub'].lower()}" if match["sub"] else ""
    label = text[: match.end("sub") if match["sub"] else match.end("number")].strip()
    if normalise_heading(title) in {normalise_heading(label), f"priority area {number}"}:
        title = ""  # "Priority Area 1 – Priority Area 1" says no title twice
    return Heading(number=number, title=title, link=link, sub=sub, label=label)


def parse_area_heading(value: object) -> Cell:
    """ "Priority Area 2 – Tackle … (Priority outcome 5 of …)" → (2, "Tackle …", "Priority outcome 5 of …").

    A trailing bracket of three words or more names the wider plan the area serves;
    a short one ("(SCR)") stays in the title. A heading without a title ("Priority 1")
    has the title "". Not a heading → flagged, value (None, text, "").
    """
    heading = parse_priority_heading(value)
    if heading is None:
        return Cell((None, clean(value), ""), flagged=True)
    return Cell((heading.number, heading.title, heading.link))


def normalise_heading(value: object) -> str:
    """A column heading compared by meaning: lower case, letters and digits only."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", clean(value).lower().replace("&", " and ")).split())
