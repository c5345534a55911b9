import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from performance.imports import MAX_UPLOAD_BYTES, apply_import, parse_values_csv
from performance.models import IndicatorValue
from tests.performance.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

HEADER = "indicator_code,period_label,period_start,period_end,value,target,note\n"


@pytest.fixture
def indicator(people):
    return IndicatorFactory(board=people.board, code="NI64")


def test_a_good_file_previews_then_imports_every_row(people, indicator):
    existing = IndicatorValueFactory(
        indicator=indicator,
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        value=1,
    )
    text = (
        HEADER + "ni64,Q1 2026/27,2026-04-01,2026-06-30,8.5,6,revised\n"
        'NI64,Q2 2026/27,2026-07-01,2026-09-30,"1,204.25",,\n'
    )
    preview = parse_values_csv(text, people.board)
    assert preview.is_valid, preview.row_errors
    assert preview.rows[0].replaces == existing and preview.rows[1].replaces is None
    assert IndicatorValue.objects.count() == 1  # a preview saves nothing
    assert apply_import(preview) == (1, 1)
    values = list(IndicatorValue.objects.order_by("period_start").values_list("value", "target", "note"))
    assert values == [(Decimal("8.5"), Decimal("6"), "revised"), (Decimal("1204.25"), None, "")]
    again = parse_values_csv(text, people.board)
    assert all(row.unchanged for row in again.rows)
    assert apply_import(again) == (0, 0)  # nothing changed: nothing saved


def test_a_bad_file_reports_each_row_by_line_and_saves_nothing(people, indicator):
    other_board_indicator = IndicatorFactory(board=people.other_board, code="NI65")
    text = (
        HEADER + "NI64,Q1 2026/27,2026-04-01,2026-06-30,8.5,,\n"
        f"{other_board_indicator.code},Q1,2026-04-01,2026-06-30,3,,\n"
        "NI64,Q2,2026-07-01,30/09/2026,lots,,\n"
        "NI64,Q3,2026-12-31,2026-10-01,4.123,,\n"
        "NI64,Q1 again,2026-04-01,2026-06-30,1,,\n"
    )
    preview = parse_values_csv(text, people.board)
    assert not preview.is_valid
    errors = dict(preview.row_errors)
    assert "No indicator 'NI65'" in errors[3]
    assert "period_end '30/09/2026' is not a date" in " ".join(
        e for line, e in preview.row_errors if line == 4
    )
    assert any(line == 4 and "value 'lots' is not a number" in e for line, e in preview.row_errors)
    assert any(line == 5 and "period_end is before period_start" in e for line, e in preview.row_errors)
    assert any(line == 5 and "at most 2 decimal places" in e for line, e in preview.row_errors)
    assert any(line == 6 and "Same indicator and period as line 2" in e for line, e in preview.row_errors)
    with pytest.raises(ValueError):
        apply_import(preview)
    assert not IndicatorValue.objects.exists()


def test_missing_columns_and_empty_files_are_refused(people, indicator):
    assert (
        "missing: period_start, period_end"
        in parse_values_csv("indicator_code,period_label,value\n", people.board).file_errors[0]
    )
    assert parse_values_csv(HEADER, people.board).file_errors == ["The file has no rows of values."]


def test_import_pages_preview_then_confirm(client, people, indicator):
    client.force_login(people.manager)
    url = reverse("performance:import", args=[people.board.slug])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "values.csv", (HEADER + "NI64,Q1 2026/27,2026-04-01,2026-06-30,8.5,6,\n").encode()
    )
    response = client.post(url, {"csv_file": upload})
    assert response.status_code == 200
    assert "Check the 1 rows before importing" in response.text and not IndicatorValue.objects.exists()
    csv_text = response.context["confirm_form"].initial["csv_text"]
    response = client.post(
        reverse("performance:confirm_import", args=[people.board.slug]), {"csv_text": csv_text}
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == Decimal("8.5")


def test_import_page_shows_row_errors_and_refuses_big_or_non_utf8_files(client, people, indicator):
    client.force_login(people.manager)
    url = reverse("performance:import", args=[people.board.slug])
    bad = SimpleUploadedFile("values.csv", (HEADER + "NI99,Q1,2026-04-01,2026-06-30,1,,\n").encode())
    response = client.post(url, {"csv_file": bad})
    assert response.status_code == 400 and "Line 2: No indicator &#x27;NI99&#x27;" in response.text
    big = SimpleUploadedFile("values.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    assert "larger than 256 KB" in client.post(url, {"csv_file": big}).text
    latin = SimpleUploadedFile(
        "values.csv", (HEADER + "NI64,Q1 \xa3,2026-04-01,2026-06-30,1,,\n").encode("latin-1")
    )
    assert "not UTF-8" in client.post(url, {"csv_file": latin}).text
    assert not IndicatorValue.objects.exists()


def test_import_permissions(client, people, indicator):
    url = reverse("performance:import", args=[people.board.slug])
    confirm = reverse("performance:confirm_import", args=[people.board.slug])
    assert client.get(url).status_code == 302  # anonymous: sign in
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    client.force_login(people.member)
    assert client.get(url).status_code == 403
    assert client.post(confirm, {"csv_text": HEADER}).status_code == 403
    client.force_login(people.manager)
    assert client.get(confirm).status_code == 405


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + "NI64,Q1 2026/27,2026-04-01,2026-06-30,8.5,6,a\x00b\n", "Row 2 of the file contains a NUL"),
        (HEADER + "NI64,Q1,2026-04-01,2026-06-30,1,,ok\n" + "\x00" * 10, "Row 3 of the file contains a NUL"),
        (HEADER + "NI64,Q1,2026-04-01,2026-06-30,1,," + "x" * 40_000 + "\n", "more than 32,767 characters"),
        # An unclosed quotation mark runs the rest of the file into one field past csv's own limit.
        (HEADER + 'NI64,"Q1,2026-04-01\n' + "y" * 200_000 + "\n", "more than 32,767 characters"),
    ],
    ids=["nul in a note", "nul bytes at the end", "over-long note", "unclosed quote"],
)
def test_a_nul_byte_or_an_over_long_field_is_a_clear_message_never_a_500(
    client, people, indicator, text, message
):
    assert message in parse_values_csv(text, people.board).file_errors[0]
    client.force_login(people.manager)
    url = reverse("performance:import", args=[people.board.slug])
    response = client.post(url, {"csv_file": SimpleUploadedFile("values.csv", text.encode())})
    assert response.status_code == 400
    assert message in response.text
    assert not IndicatorValue.objects.exists()
