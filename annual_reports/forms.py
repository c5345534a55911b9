from __future__ import annotations

import calendar
import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from boards.forms import choice_field
from boards.govuk_fields import GovukDateField
from boards.models import Board, BoardKind

from .gather import Year, twelve_months_from

MONTHS = [(str(number), calendar.month_name[number]) for number in range(1, 13)]


def year_choices(board: Board, today: datetime.date) -> list[Year]:
    """Twelve-month years a report may cover, latest first: those that have ended or are
    under way, back five years. A SAB reports on financial years (April to March)."""
    months = [4] if board.kind == BoardKind.SAFEGUARDING_ADULTS_BOARD else range(1, 13)
    years = [
        twelve_months_from(datetime.date(year, month, 1))
        for year in range(today.year - 5, today.year + 1)
        for month in months
        if datetime.date(year, month, 1) <= today
    ]
    return sorted(years, key=lambda y: y.start, reverse=True)


class StartReportForm(forms.Form):
    year = forms.ChoiceField(
        label="Year the report covers",
        error_messages={
            "required": "Choose the year the report covers",
            "invalid_choice": "Choose one of the years listed",
        },
    )

    def __init__(self, *args, board: Board, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.years = {y.start.isoformat(): y for y in year_choices(board, today)}
        choice_field(self, "year").choices = [
            (key, f"{y.start:%-d %B %Y} to {y.end:%-d %B %Y}") for key, y in self.years.items()
        ]
        # The last complete year is what a board usually reports on.
        complete = [key for key, y in self.years.items() if y.end < today]
        if complete:
            self.fields["year"].initial = complete[0]

    @property
    def chosen_year(self) -> Year:
        return self.years[self.cleaned_data["year"]]


class SectionForm(forms.Form):
    body = forms.CharField(
        label="Text of the section",
        required=False,
        help_text="Leave a blank line between paragraphs. The figures and tables under the text come "
        "from the board's data and are not edited here.",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=20000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, heading: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = f"Text of “{heading}”" if heading else "Text of the section"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("body", label_size=Size.SMALL), "version", Button("save", "Save the section")
        )


class RecipientForm(forms.Form):
    name = forms.CharField(
        label="Name of the person or organisation",
        max_length=250,
        error_messages={"required": "Enter who the report was sent to"},
    )
    sent_on = GovukDateField(label="Date sent")

    # Set by annual_reports.views for each recipient's row (its own action URL).
    helper: FormHelper

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_sent_on(self) -> datetime.date:
        sent_on = self.cleaned_data["sent_on"]
        if sent_on > self.today:
            raise forms.ValidationError("Date sent must be today or in the past")
        return sent_on
