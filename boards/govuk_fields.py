"""Form fields every app shares, shaped by the GOV.UK Design System.

``GovukDateField``: the date input component (separate day, month and year boxes), never a
browser date picker, which many screen readers and phones handle badly and which cannot show
the Design System's messages. It builds on crispy-forms-gds's ``DateInputField`` (its widget
and markup) and replaces its validation, whose messages ("Enter a valid date") do not say
which date or what is wrong. The messages follow the Design System's date input guidance:

- nothing entered: "Enter the due date" (or the message the form gives);
- part missing: "Due date must include a month" / "… must include a day and year";
- impossible: "Due date must be a real date"; a year of 2 digits: "… year must include 4 numbers";
- outside the years the service accepts: "Due date must be between 2000 and 2100".

Only the boxes that are wrong get the red border, as the guidance asks, and the error summary
links to the first of them. Months may be typed as numbers or names ("3", "Mar", "March").

``autocomplete_select()``: a plain select that ``static/js/app.js`` turns into a GOV.UK
accessible-autocomplete box; without JavaScript it stays a working select.

Lives in ``boards`` because every app builds on boards and none may import a sibling.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

PART_NAMES = ("day", "month", "year")
DATE_HINT = "For example, 27 3 2027"
MONTHS_BY_NAME = {
    **{calendar.month_name[number].lower(): number for number in range(1, 13)},
    **{calendar.month_abbr[number].lower(): number for number in range(1, 13)},
    "sept": 9,
}


def sentence_start(label: str) -> str:
    return label[:1].upper() + label[1:]


def within_sentence(label: str) -> str:
    """ "Due date" → "due date"; a leading acronym ("RAG date") keeps its capitals."""
    first_word = label.split(" ", 1)[0]
    return label if first_word.isupper() else label[:1].lower() + label[1:]


class GovukDateWidget(DateInputWidget):
    """crispy-forms-gds's three boxes, with numeric keyboards on phones and a red border
    only on the boxes the last validation found wrong (``error_parts``: 0 day, 1 month, 2 year)."""

    template_name = "govuk/widgets/date_input.html"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for widget in self.widgets:
            widget.attrs["inputmode"] = "numeric"
        self.error_parts: set[int] = set()

    def id_for_label(self, id_: str) -> str:
        # The error summary links here: the first wrong box, else the day box.
        if not id_:
            return ""
        return f"{id_}_{min(self.error_parts, default=0)}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.error_parts:
            # crispy-forms-gds marks every box when the field has an error; keep only the wrong ones.
            for index, subwidget in enumerate(context["widget"]["subwidgets"]):
                classes = [
                    c for c in subwidget["attrs"].get("class", "").split() if c != "govuk-input--error"
                ]
                if index in self.error_parts:
                    classes.append("govuk-input--error")
                subwidget["attrs"]["class"] = " ".join(classes)
        return context


class GovukDateField(DateInputField):
    """A date entered as day, month and year, with the Design System's error messages."""

    widget = GovukDateWidget

    def __init__(
        self,
        *,
        label: str,
        required: bool = True,
        help_text: str = DATE_HINT,
        required_message: str | None = None,
        earliest_year: int = 2000,
        latest_year: int = 2100,
        **kwargs,
    ) -> None:
        super().__init__(
            label=label, required=required, help_text=help_text, require_all_fields=False, **kwargs
        )
        self.earliest_year = earliest_year
        self.latest_year = latest_year
        self.error_messages["required"] = required_message or f"Enter the {within_sentence(label)}"

    @property
    def name_in_messages(self) -> str:
        return sentence_start(str(self.label))

    def _fail(self, message: str, code: str, parts: Sequence[int]) -> ValidationError:
        self.widget.error_parts = set(parts)
        return ValidationError(message, code=code)

    def clean(self, value) -> datetime.date | None:
        self.widget.error_parts = set()
        if self.disabled and not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        if not isinstance(value, (list, tuple)):
            value = ["", "", ""]
        parts = [str(part or "").strip() for part in [*value, "", "", ""][:3]]
        if not any(parts):
            if self.required:
                raise self._fail(self.error_messages["required"], "required", (0, 1, 2))
            return None
        missing = [index for index, part in enumerate(parts) if not part]
        if missing:
            names = " and ".join(PART_NAMES[index] for index in missing)
            raise self._fail(f"{self.name_in_messages} must include a {names}", "incomplete", missing)
        day_text, month_text, year_text = parts
        day = int(day_text) if day_text.isdigit() else None
        month = (
            int(month_text) if month_text.isdigit() else MONTHS_BY_NAME.get(month_text.lower().rstrip("."))
        )
        year = int(year_text) if year_text.isdigit() else None
        wrong = [
            index
            for index, ok in enumerate(
                (day is not None and 1 <= day <= 31, month is not None and 1 <= month <= 12, year is not None)
            )
            if not ok
        ]
        real_date = f"{self.name_in_messages} must be a real date"
        if wrong:
            raise self._fail(real_date, "invalid_date", wrong)
        # No box is wrong, so each was read as a number (which mypy cannot follow).
        assert day is not None and month is not None and year is not None
        if len(year_text) != 4:
            raise self._fail(f"{self.name_in_messages} year must include 4 numbers", "year_digits", (2,))
        try:
            date = datetime.date(year, month, day)
        except ValueError as error:
            # 31 February: no single box is wrong, so the whole date is.
            raise self._fail(real_date, "invalid_date", (0, 1, 2)) from error
        if not self.earliest_year <= date.year <= self.latest_year:
            raise self._fail(
                f"{self.name_in_messages} must be between {self.earliest_year} and {self.latest_year}",
                "year_range",
                (2,),
            )
        self.validate(date)
        self.run_validators(date)
        return date


def autocomplete_select() -> forms.Select:
    """A select that becomes a searchable box (accessible-autocomplete) when JavaScript runs.

    ``static/js/autocomplete.js`` enhances every select marked ``data-module="app-autocomplete"``.
    A plain ``Select``, not a subclass: crispy-forms-gds styles errors by the widget's class name.
    """
    return forms.Select(attrs={"data-module": "app-autocomplete"})
