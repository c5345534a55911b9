"""Import indicator values from CSV: preview first, then save every row or none.

One row per indicator and period. A row for a period that already has a value
replaces its value, target and note (and writes history only when one of them
changed). Rows are checked in full before anything is saved, and saving runs in
one transaction, so a bad file never leaves half its rows behind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from boards.models import Board
from safeguarding.csv_text import CsvRefusedError, csv_rows
from safeguarding.metrics import IMPORT_ROWS

from .models import Indicator, IndicatorValue

MAX_UPLOAD_BYTES = 256 * 1024
MAX_ROWS = 2000
REQUIRED_COLUMNS = ("indicator_code", "period_label", "period_start", "period_end", "value")
OPTIONAL_COLUMNS = ("target", "note")


@dataclass
class ImportRow:
    line: int
    indicator: Indicator | None = None
    period_label: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    value: Decimal | None = None
    target: Decimal | None = None
    note: str = ""
    errors: list[str] = field(default_factory=list)
    replaces: IndicatorValue | None = None

    @property
    def unchanged(self) -> bool:
        """The file repeats what is stored: importing it writes nothing."""
        stored = self.replaces
        return stored is not None and (stored.period_label, stored.value, stored.target, stored.note) == (
            self.period_label,
            self.value,
            self.target,
            self.note,
        )


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def row_errors(self) -> list[tuple[int, str]]:
        return [(row.line, error) for row in self.rows for error in row.errors]


def parse_values_csv(text: str, board: Board) -> ImportPreview:
    """Check every row of the file against the board's indicators; save nothing."""
    preview = ImportPreview()
    try:
        # A NUL character or an over-long field is refused with its row, not a crash.
        rows = [(line, values) for line, values in csv_rows(text) if values]
    except CsvRefusedError as refusal:
        preview.file_errors.append(str(refusal))
        return preview
    columns = [name.strip().lower() for name in (rows[0][1] if rows else [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        preview.file_errors.append(
            "The first row must name the columns; missing: " + ", ".join(missing) + "."
        )
        return preview
    indicators = {i.code.upper(): i for i in Indicator.objects.for_board(board)}
    seen: dict[tuple[int, datetime.date, datetime.date], int] = {}
    for line, values in rows[1:]:
        record = dict(zip(columns, values, strict=False))
        if len(preview.rows) >= MAX_ROWS:
            preview.file_errors.append(
                f"The file has more than {MAX_ROWS} rows; split it into smaller files."
            )
            break
        if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
            continue
        row = _parse_row(line, record, indicators)
        if row.indicator and row.period_start and row.period_end:
            key = (row.indicator.pk, row.period_start, row.period_end)
            if key in seen:
                row.errors.append(f"Same indicator and period as line {seen[key]}.")
            seen[key] = line
        preview.rows.append(row)
    if not preview.rows and not preview.file_errors:
        preview.file_errors.append("The file has no rows of values.")
    _find_replaced(preview.rows)
    return preview


def _parse_row(line: int, record: dict, indicators: dict[str, Indicator]) -> ImportRow:
    def cell(name: str) -> str:
        value = record.get(name)
        return value.strip() if isinstance(value, str) else ""

    row = ImportRow(line=line, period_label=cell("period_label"), note=cell("note"))
    code = cell("indicator_code")
    row.indicator = indicators.get(code.upper())
    if not code:
        row.errors.append("indicator_code is empty.")
    elif row.indicator is None:
        row.errors.append(f"No indicator {code!r} on this board or its partnership.")
    if not row.period_label:
        row.errors.append("period_label is empty.")
    elif len(row.period_label) > 40:
        row.errors.append("period_label is longer than 40 characters.")
    row.period_start = _date(cell("period_start"), "period_start", row)
    row.period_end = _date(cell("period_end"), "period_end", row)
    if row.period_start and row.period_end and row.period_end < row.period_start:
        row.errors.append("period_end is before period_start.")
    row.value = _decimal(cell("value"), "value", row, required=True)
    row.target = _decimal(cell("target"), "target", row, required=False)
    if len(row.note) > 500:
        row.errors.append("note is longer than 500 characters.")
    return row


def _date(text: str, name: str, row: ImportRow) -> datetime.date | None:
    if not text:
        row.errors.append(f"{name} is empty.")
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        row.errors.append(f"{name} {text!r} is not a date written YYYY-MM-DD.")
        return None


def _decimal(text: str, name: str, row: ImportRow, *, required: bool) -> Decimal | None:
    if not text:
        if required:
            row.errors.append(f"{name} is empty.")
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        row.errors.append(f"{name} {text!r} is not a number.")
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e10") or number != round(number, 2):
        row.errors.append(
            f"{name} {text!r} must be a number below 10,000,000,000 with at most 2 decimal places."
        )
        return None
    return number


def _find_replaced(rows: list[ImportRow]) -> None:
    existing: dict[tuple[int, datetime.date | None, datetime.date | None], IndicatorValue] = {
        (v.indicator_id, v.period_start, v.period_end): v
        for v in IndicatorValue.objects.filter(indicator__in={row.indicator for row in rows if row.indicator})
    }
    for row in rows:
        if row.indicator:
            row.replaces = existing.get((row.indicator.pk, row.period_start, row.period_end))


@transaction.atomic
def apply_import(preview: ImportPreview) -> tuple[int, int]:
    """Save every row of a valid preview; returns (created, changed). All or nothing."""
    if not preview.is_valid:
        raise ValueError("Only a preview without errors can be imported.")
    created = changed = 0
    for row in preview.rows:
        # A row without errors (is_valid) has its indicator and its period.
        assert row.indicator is not None and row.period_start is not None and row.period_end is not None
        fields = {
            "period_label": row.period_label,
            "value": row.value,
            "target": row.target,
            "note": row.note,
        }
        # Lock the existing value so a parallel import or edit of the same period cannot interleave.
        current = (
            IndicatorValue.objects.select_for_update()
            .filter(indicator=row.indicator, period_start=row.period_start, period_end=row.period_end)
            .first()
        )
        if current is None:
            IndicatorValue.objects.create(
                indicator=row.indicator, period_start=row.period_start, period_end=row.period_end, **fields
            )
            created += 1
        elif any(getattr(current, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(current, name, value)
            current.save()  # row by row, so simple-history records each change
            changed += 1
    # Counted once the rows are in: a rolled-back import wrote nothing.
    transaction.on_commit(lambda: IMPORT_ROWS.labels(kind="indicator_values").inc(created + changed))
    return created, changed
