from __future__ import annotations

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils import timezone

from .frameworks import AdoptionDecision, Framework, Relationship
from .models import Board


class AdoptionForm(forms.Form):
    board = forms.ModelChoiceField(queryset=Board.objects.none(), label="Board", empty_label=None)
    decision = forms.ChoiceField(
        choices=AdoptionDecision.choices, widget=forms.RadioSelect, label="What did the board decide?"
    )
    meeting_date = forms.DateField(
        label="Date of the meeting",
        help_text="For example, 27 3 2026. Use the date of the meeting that decided.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="For example, the minute reference.",
    )

    def __init__(self, *args, boards, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards
        self.fields["decision"].error_messages["required"] = "Choose what the board decided"
        self.fields["meeting_date"].error_messages["required"] = "Enter the date of the meeting that decided"
        if boards.count() == 1:
            self.fields["board"].initial = boards.first()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("board"),
            Field.radios("decision", legend_size=Size.SMALL, inline=True),
            Field.text("meeting_date", field_width=10),
            Field.text("note"),
            Button("submit", "Record decision", data_prevent_double_click="true"),
        )

    def clean_meeting_date(self) -> datetime.date:
        value = self.cleaned_data["meeting_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The meeting date must be today or in the past.")
        return value


class FrameworkForm(forms.ModelForm):
    class Meta:
        model = Framework
        fields = ["title", "summary"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # our own error summary, not the browser's bubbles
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("summary", rows=4),
            Button("submit", "Save", data_prevent_double_click="true"),
        )


class RelationshipForm(forms.ModelForm):
    class Meta:
        model = Relationship
        fields = ["from_board", "kind", "to_board", "note"]
        labels = {"from_board": "Board", "kind": "Relationship", "to_board": "Other board"}

    def __init__(self, *args, framework: Framework, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        boards = Board.objects.filter(framework_roles__framework=framework)
        self.fields["from_board"].queryset = boards
        self.fields["to_board"].queryset = boards
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("from_board"),
            Field.select("kind"),
            Field.select("to_board"),
            Field.text("note"),
            Button("submit", "Add relationship", data_prevent_double_click="true"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        duplicate = Relationship.objects.filter(
            framework=self.instance.framework,
            from_board=cleaned.get("from_board"),
            to_board=cleaned.get("to_board"),
            kind=cleaned.get("kind"),
        )
        if duplicate.exists():
            raise forms.ValidationError("The framework already records this relationship.")
        return cleaned
