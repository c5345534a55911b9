"""A NUL byte or an over-long field in a plan CSV is refused with a message naming the row,
never a 500, and nothing is written (the indicator CSV: tests/performance/test_imports.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.models import ImportFile, ImportJob
from plans.transfer.files import FileRefusedError, read_upload
from tests.dates import date_input
from tests.factories import BusinessPlanFactory
from tests.plans.transfer.files import csv_bytes
from tests.plans.transfer.helpers import row_counts


def _rows(count: int) -> list[list[str]]:
    return [
        ["", f"1.{n} Objective {n}", "", f"Action {n}", "Chair", "Dec 2011", "", ""] for n in range(count)
    ]


CASES = {
    # Past the first 8 KB, so the text sniffing does not see it: the CSV reader must.
    "NUL late in the file": (
        csv_bytes([*_rows(200), ["", "1.900 x", "", "Act\x00ion", "Chair", "Dec 2011", "", ""]]),
        "Row 202 of the file contains a NUL character",
    ),
    "NUL in the first row": (
        b"Agreed action,Lead\x00 person\n",
        "not a Word document, an Excel workbook or a CSV",
    ),
    "over-long field": (
        csv_bytes([*_rows(3), ["", "1.9 x", "", "y" * 40_000, "Chair", "Dec 2011", "", ""]]),
        "Row 5 of the file has a field of more than 32,767 characters",
    ),
    "over csv's own field limit": (
        csv_bytes(_rows(2)) + b'"' + b"z" * 300_000,
        "Row 4 of the file has a field of more than 32,767 characters",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_reader_refuses_with_the_row(case):
    data, message = CASES[case]
    with pytest.raises(FileRefusedError, match=message.split(" (")[0]):
        read_upload("plan.csv", data)


@pytest.mark.parametrize("case", list(CASES))
def test_the_upload_ends_in_a_clear_refusal_and_writes_nothing(client, people, case):
    data, message = CASES[case]
    plan = BusinessPlanFactory(board=people.board)
    before = row_counts()
    client.force_login(people.manager)
    response = client.post(
        reverse("plans:transfer:upload_into_plan", args=[plan.pk]),
        {"file": SimpleUploadedFile("plan.csv", data), **date_input("progress_as_of", "2011-09-30")},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file cannot be imported" in page and message in page
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REFUSED and not job.extracted
    assert not ImportFile.objects.exists()
    assert row_counts() == before
