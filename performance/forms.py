from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size, Submit
from django import forms

from boards.govuk_fields import GovukDateField

from .imports import MAX_UPLOAD_BYTES
from .models import Indicator, IndicatorValue


class IndicatorValueForm(forms.ModelForm):
    """One figure for one period. The period must not already have a value."""

    period_start = GovukDateField(
        label="Start of the period", required_message="Enter the day the period starts"
    )
    period_end = GovukDateField(label="End of the period", required_message="Enter the day the period ends")

    class Meta:
        model = IndicatorValue
        fields = ["period_label", "period_start", "period_end", "value", "target", "note"]
        widgets = {
            "period_label": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
            # Text boxes with a number keyboard, as GOV.UK asks: type="number" changes the value
            # when the page scrolls over it, and reads badly in screen readers.
            "value": forms.TextInput(
                attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}
            ),
            "target": forms.TextInput(
                attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}
            ),
        }
        labels = {"period_label": "Period"}
        # GOV.UK error messages name what to do, so the error summary reads on its own.
        error_messages = {
            "period_label": {"required": "Enter the period, for example Q2 2026/27"},
            "value": {"required": "Enter the value", "invalid": "Enter the value as a number"},
            "target": {"invalid": "Enter the target as a number"},
        }

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("save", "Save value"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end:
            if end < start:
                self.add_error("period_end", "The period must end on or after the day it starts.")
            elif IndicatorValue.objects.filter(
                indicator=self.indicator, period_start=start, period_end=end
            ).exists():
                self.add_error("period_start", "This indicator already has a value for that period.")
        return cleaned

    def save(self, commit: bool = True) -> IndicatorValue:
        self.instance.indicator = self.indicator
        return super().save(commit)


class ImportUploadForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        help_text=f"Columns: indicator_code, period_label, period_start, period_end (YYYY-MM-DD), value, "
        f"target (optional), note (optional). At most {MAX_UPLOAD_BYTES // 1024} KB.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("preview", "Preview import"))

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB.")
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."
            ) from error


class ImportConfirmForm(forms.Form):
    """The previewed text comes back in a hidden field and is checked again before saving."""

    csv_text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_UPLOAD_BYTES)
