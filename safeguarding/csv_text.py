"""Read CSV text row by row, refusing what the csv module would crash on or the database refuses.

Shared by the plan import (plans/transfer/files.py) and the indicator import
(performance/imports.py): both must answer a NUL character or an over-long field with a
message naming the line, never a 500. PostgreSQL cannot store a NUL character in text or
JSON, so it is refused here rather than at the write; the csv module raises its own error
for a field over 131,072 characters, and a field over MAX_FIELD_CHARS (the most an Excel
cell holds) is refused before it reaches a preview.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

MAX_FIELD_CHARS = 32_767


class CsvRefusedError(Exception):
    """The CSV text cannot be read; the message says why, in words for the user."""


def nul_message(row: int) -> str:
    return (
        f"Row {row} of the file contains a NUL character (a zero byte), which a CSV file cannot hold. "
        "This usually means the file was saved as “Unicode text” or is not a CSV file: save it from "
        "your spreadsheet as “CSV UTF-8” and upload it again."
    )


def too_long_message(row: int, limit: int = MAX_FIELD_CHARS) -> str:
    return (
        f"Row {row} of the file has a field of more than {limit:,} characters, which is longer than "
        "any cell of a plan or an indicator. Check the file: a quotation mark left open joins many "
        "lines into one field. Correct it and upload the file again."
    )


def csv_rows(
    text: str,
    dialect: type[csv.Dialect] | csv.Dialect | str = "excel",
    max_field_chars: int = MAX_FIELD_CHARS,
) -> Iterator[tuple[int, list[str]]]:
    """(row number, fields) for each row of ``text``; raise CsvRefusedError on a bad file.

    Rows are numbered as a spreadsheet shows them (the heading row is row 1), whatever
    line breaks their cells hold.
    """
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise CsvRefusedError(too_long_message(number, max_field_chars)) from None
            raise CsvRefusedError(
                f"Row {number} of the file could not be read as CSV ({error}). "
                "Save it from your spreadsheet as “CSV UTF-8” and upload it again."
            ) from None
        if any("\x00" in field for field in row):
            raise CsvRefusedError(nul_message(number))
        if any(len(field) > max_field_chars for field in row):
            raise CsvRefusedError(too_long_message(number, max_field_chars))
        yield number, row
