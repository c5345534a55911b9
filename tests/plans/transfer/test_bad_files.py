"""Each kind of bad file is refused with a clear message and leaves the database unchanged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import ImportFile, ImportJob
from plans.transfer.files import MAX_BYTES, MAX_ROWS, FileRefusedError, read_upload
from tests.dates import date_input
from tests.factories import BusinessPlanFactory
from tests.plans.transfer.files import csv_bytes, docx_bytes, small_csv, with_macros, xlsx_bytes
from tests.plans.transfer.helpers import row_counts

CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

BAD_FILES = {
    "csv named .docx": ("plan.docx", lambda: small_csv(), "is not a Word document"),
    "word named .xlsx": ("plan.xlsx", lambda: docx_bytes(), "is not an Excel workbook"),
    "csv named .xlsx": ("plan.xlsx", lambda: small_csv(), "is not an Excel workbook"),
    "binary named .csv": (
        "plan.csv",
        lambda: b"\x00\x01\x02binary",
        "not a Word document, an Excel workbook or a CSV",
    ),
    "corrupt zip": ("plan.docx", lambda: docx_bytes()[:900], "damaged (corrupt)"),
    "zip of something else": ("plan.docx", lambda: _plain_zip(), "not a Word document or an Excel workbook"),
    "encrypted": ("plan.docx", lambda: CFB + b"\x00" * 4096, "password-protected (encrypted)"),
    "empty": ("plan.csv", lambda: b"", "The file is empty"),
    "blank csv": ("plan.csv", lambda: b"   \n\n", "The file is empty"),
    "20 MB": ("plan.csv", lambda: b"a" * MAX_BYTES, "smaller than 20 MB"),
    "5,000 rows": (
        "plan.csv",
        lambda: csv_bytes([["", "1.1 x", "", f"Action {n}", "", "", "", ""] for n in range(MAX_ROWS)]),
        "5,000 rows or more",
    ),
    "macros in a docx": ("plan.docx", lambda: with_macros(docx_bytes()), "contains macros"),
    "macros in an xlsx": (
        "plan.xlsx",
        lambda: with_macros(xlsx_bytes([["a"]]), "xl/vbaProject.bin"),
        "contains macros",
    ),
    "macro-enabled name": ("plan.xlsm", lambda: xlsx_bytes([["a"]]), "can contain macros"),
    "old .doc name": ("plan.doc", lambda: CFB, "must be a Word document (.docx)"),
    "no table": ("plan.docx", lambda: docx_bytes(with_table=False), "No plan table was found"),
}


def _plain_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_and_nothing_is_written(client, people, case):
    """The name and size are checked on the form; what the file holds is checked by the
    worker, and the job page then says why it was refused. Either way nothing is written."""
    name, build, message = BAD_FILES[case]
    plan = BusinessPlanFactory(board=people.board)
    client.force_login(people.manager)
    before = row_counts()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("plans:transfer:upload_into_plan", args=[plan.pk]),
        {
            "file": SimpleUploadedFile(name, build(), content_type="application/pdf"),
            **date_input("progress_as_of", "2011-09-30"),
        },
    )
    if response.status_code == 302:
        job = ImportJob.objects.get()
        assert response["Location"] == job.get_absolute_url()
        assert job.state == ImportJob.State.REFUSED
        assert not ImportFile.objects.exists()  # a refused file is not kept
        response = client.get(response["Location"])
        assert "The file cannot be imported" in response.content.decode()
        assert "hx-trigger" not in response.content.decode()  # nothing more to wait for
    else:
        assert "There is a problem" in response.content.decode()
        assert not ImportJob.objects.exists()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == before
    assert not ImportJob.objects.filter(state=ImportJob.State.PREVIEW).exists()


def test_the_browser_content_type_is_not_trusted():
    # A CSV sent as "application/vnd.openxmlformats..." is still read by its bytes.
    with pytest.raises(FileRefusedError, match="is not a Word document"):
        read_upload("plan.docx", small_csv())
    assert read_upload("plan.csv", small_csv()).kind == "csv"


def test_an_upload_declared_too_big_is_refused_before_its_body_is_read(client, people):
    plan = BusinessPlanFactory(board=people.board)
    client.force_login(people.manager)
    before = row_counts()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("plans:transfer:upload_into_plan", args=[plan.pk]),
        {"file": SimpleUploadedFile("plan.csv", small_csv()), **date_input("progress_as_of", "2011-09-30")},
        CONTENT_LENGTH=str(MAX_BYTES * 2),
    )
    assert response.status_code == 200
    assert "smaller than 20 MB" in response.content.decode()
    assert row_counts() == before
    assert not ImportJob.objects.exists()
