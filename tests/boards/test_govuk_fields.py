"""The GOV.UK date input every form uses (boards.govuk_fields), and its error messages as the
Design System words them: https://design-system.service.gov.uk/components/date-input/"""

from __future__ import annotations

import datetime
import re

import pytest
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.template import Context, Template

from boards.govuk_fields import GovukDateField, autocomplete_select


class DueForm(forms.Form):
    due = GovukDateField(label="Due date")
    review_on = GovukDateField(label="Review date", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("due"), Field("review_on"))


def submit(day: str = "", month: str = "", year: str = "", **others: str) -> DueForm:
    return DueForm({"due_0": day, "due_1": month, "due_2": year, **others})


def render(form: forms.Form) -> str:
    return Template(
        "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
    ).render(Context({"form": form}))


def boxes_in_error(html: str, name: str = "due") -> list[str]:
    """Which of the day, month and year boxes have the red border."""
    inputs = re.findall(r"<input[^>]*>", html)
    marked = [tag for tag in inputs if f'name="{name}_' in tag and "govuk-input--error" in tag]
    return [["day", "month", "year"][int(re.search(rf'name="{name}_(\d)"', tag).group(1))] for tag in marked]


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "2027", datetime.date(2027, 3, 27)),
        (" 1 ", " 12 ", " 2026 ", datetime.date(2026, 12, 1)),
        ("01", "04", "2026", datetime.date(2026, 4, 1)),
        ("14", "Mar", "2027", datetime.date(2027, 3, 14)),
        ("14", "march", "2027", datetime.date(2027, 3, 14)),
        ("30", "Sept", "2027", datetime.date(2027, 9, 30)),
        ("29", "2", "2028", datetime.date(2028, 2, 29)),
    ],
)
def test_real_dates_are_accepted_with_months_as_numbers_or_names(day, month, year, expected):
    form = submit(day, month, year)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == expected
    assert form.cleaned_data["review_on"] is None


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "highlighted"),
    [
        ("", "", "", "Enter the due date", ["day", "month", "year"]),
        ("27", "", "2027", "Due date must include a month", ["month"]),
        ("", "3", "2027", "Due date must include a day", ["day"]),
        ("27", "3", "", "Due date must include a year", ["year"]),
        ("", "", "2027", "Due date must include a day and month", ["day", "month"]),
        ("27", "", "", "Due date must include a month and year", ["month", "year"]),
        ("31", "2", "2027", "Due date must be a real date", ["day", "month", "year"]),
        ("27", "13", "2027", "Due date must be a real date", ["month"]),
        ("32", "1", "2027", "Due date must be a real date", ["day"]),
        ("x", "3", "2027", "Due date must be a real date", ["day"]),
        ("27", "Smarch", "2027", "Due date must be a real date", ["month"]),
        ("0", "0", "2027", "Due date must be a real date", ["day", "month"]),
        ("27", "3", "27", "Due date year must include 4 numbers", ["year"]),
        ("1", "1", "1999", "Due date must be between 2000 and 2100", ["year"]),
        ("-1", "3", "2027", "Due date must be a real date", ["day"]),
    ],
)
def test_each_mistake_gets_the_design_systems_message_and_only_its_boxes_turn_red(
    day, month, year, message, highlighted
):
    form = submit(day, month, year)
    assert not form.is_valid()
    assert form.errors["due"] == [message]
    html = render(form)
    assert boxes_in_error(html) == highlighted
    # The error summary links to the first box to correct.
    first = ["day", "month", "year"].index(highlighted[0])
    assert f'<a href="#id_due_{first}">{message}</a>' in html
    # What was typed is kept.
    for value in (day, month, year):
        if value.strip():
            assert f'value="{value}"' in html


def test_an_optional_date_may_be_left_empty_but_not_half_filled():
    assert submit("1", "2", "2027").is_valid()
    form = submit("1", "2", "2027", review_on_1="4")
    assert form.errors["review_on"] == ["Review date must include a day and year"]


def test_a_form_level_error_on_a_date_marks_the_whole_date():
    form = submit("1", "2", "2027")
    assert form.is_valid()
    form.add_error("due", "Due date must be after the start date")
    assert boxes_in_error(render(form)) == ["day", "month", "year"]


def test_the_boxes_are_labelled_and_ask_phones_for_numbers():
    html = render(DueForm())
    for index, label in enumerate(("Day", "Month", "Year")):
        assert re.search(
            rf'<label class="govuk-label govuk-date-input__label" for="id_due_{index}">\s*{label}', html
        )
    assert html.count('inputmode="numeric"') == 6
    assert 'type="date"' not in html
    assert "For example, 27 3 2027" in html


def test_a_saved_date_fills_the_three_boxes():
    html = render(DueForm(initial={"due": datetime.date(2027, 3, 31)}))
    assert 'name="due_0" value="31"' in html
    assert 'name="due_1" value="3"' in html
    assert 'name="due_2" value="2027"' in html


def test_a_long_picker_is_a_select_marked_for_the_autocomplete():
    widget = autocomplete_select()
    widget.choices = [("", "None"), ("1", "1.1 Audit case files")]
    html = widget.render("who", "")
    assert html.startswith("<select")
    assert 'data-module="app-autocomplete"' in html
    assert '<option value="" selected>None</option>' in html
