from __future__ import annotations

import datetime
from pathlib import PurePath

from django import forms
from django.utils import timezone

from boards.govuk_fields import GovukDateField
from plans.models import BusinessPlan

from .files import KINDS, MACRO_EXTENSIONS, MAX_BYTES
from .jobs import HEADING, SKIP
from .mapping import FIELDS, IGNORE


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Plan file",
        help_text="A Word document (.docx), Excel workbook (.xlsx) or CSV file, smaller than 20 MB.",
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
    )
    progress_as_of = GovukDateField(
        label="Date of undated progress notes",
        help_text="Progress notes in the file that do not start with a date are recorded on this date. "
        "For example, 30 6 2026",
        required_message="Enter the date of the progress notes",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["progress_as_of"].initial = timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size >= MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB.")
        # The name is checked at once; what the file holds is read by the worker.
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix in MACRO_EXTENSIONS:
            raise forms.ValidationError(
                "This file can contain macros. Save it as .docx, .xlsx or .csv and upload that."
            )
        if suffix not in KINDS:
            raise forms.ValidationError(
                "The file must be a Word document (.docx), an Excel workbook (.xlsx) or a CSV file."
            )
        return upload


class NewPlanUploadForm(UploadForm):
    title = forms.CharField(max_length=250, error_messages={"required": "Enter the plan's title."})
    period_start = GovukDateField(
        label="Start date of the plan",
        help_text="Usually 1 April. For example, 1 4 2026",
        required_message="Enter the date the plan starts",
    )
    period_end = GovukDateField(
        label="End date of the plan",
        help_text="For example, 31 3 2027",
        required_message="Enter the date the plan ends",
    )
    field_order = ["title", "period_start", "period_end", "file", "progress_as_of"]

    def __init__(self, *args, board, **kwargs) -> None:
        self.board = board
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        start_year = today.year if today.month >= 4 else today.year - 1
        self.fields["period_start"].initial = datetime.date(start_year, 4, 1)
        self.fields["period_end"].initial = datetime.date(start_year + 1, 3, 31)

    def clean(self):
        data = super().clean()
        start, end, title = data.get("period_start"), data.get("period_end"), data.get("title")
        if start and end and end <= start:
            self.add_error("period_end", "The plan must end after it starts.")
        if (
            start
            and title
            and BusinessPlan.objects.filter(board=self.board, title=title, period_start=start).exists()
        ):
            self.add_error("title", "This board already has a plan with this title starting on that date.")
        return data


class MappingForm(forms.Form):
    """One choice per column heading found in the file."""

    def __init__(self, *args, headings: list[tuple[str, str, list[str]]], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = headings
        choices = [(IGNORE, "Leave out this column"), *FIELDS]
        for index, (key, label, _samples) in enumerate(headings):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=mapping.get(key, IGNORE)
            )

    def rows(self):
        for index, (key, label, samples) in enumerate(self.headings):
            yield {"key": key, "label": label, "samples": samples, "field": self[f"column_{index}"]}

    def mapping(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"column_{index}") or IGNORE
            for index, (key, _, _) in enumerate(self.headings)
        }


READ_AS = {
    "": "An action, as read",
    HEADING: "A heading (starts a priority area)",
    SKIP: "Not an action: leave it out",
}


class OverridesForm(forms.Form):
    """How the user wants source rows read: pairs of ``where_<n>`` (the row, e.g. "Table 2,
    row 5") and ``read_as_<n>`` ("" as read, "heading", "skip"), and the draft version shown."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows

    def clean(self):
        data = super().clean()
        choices: dict[str, str] = {}
        for key, where in self.data.items():
            if not key.startswith("where_"):
                continue
            choice = self.data.get(f"read_as_{key.removeprefix('where_')}", "")
            if where not in self.rows or choice not in READ_AS:
                raise forms.ValidationError("a row or a choice in the form is not one of this file's.")
            choices[where] = choice
        data["choices"] = choices
        return data
