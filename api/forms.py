"""The form that makes a personal access token (crispy-forms-gds)."""

from __future__ import annotations

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from boards.forms import model_choice_field
from boards.models import Board

from .models import TokenAccess

LIFETIMES = {
    "30": datetime.timedelta(days=30),
    "90": datetime.timedelta(days=90),
    "365": datetime.timedelta(days=365),
}


class BoardChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, board: Board) -> str:
        return f"{board.name} ({board.short_name}), {board.partnership.name}"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="What the token is for, so you can tell your tokens apart, e.g. “Power BI dashboard”.",
        max_length=100,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Name must be 100 characters or fewer",
        },
    )
    boards = BoardChoiceField(
        label="Which boards may it reach?",
        queryset=Board.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="It never reaches more than your own role allows on each board.",
        error_messages={"required": "Choose at least one board"},
    )
    access = forms.ChoiceField(
        label="What may it do?",
        choices=[
            (TokenAccess.READ, "Read only: plans, actions, indicators, reviews and the board feeds"),
            (
                TokenAccess.WRITE,
                "Read and write: also add progress, set status and RAG, and ask for new due dates, "
                "where your role allows",
            ),
        ],
        widget=forms.RadioSelect,
        initial=TokenAccess.READ,
        error_messages={"required": "Choose what the token may do"},
    )
    lifetime = forms.ChoiceField(
        label="When should it stop working?",
        choices=[("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year")],
        widget=forms.RadioSelect,
        initial="90",
        error_messages={"required": "Choose when the token stops working"},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "boards").queryset = (
            Board.objects.visible_to(user).select_related("partnership").order_by("partnership__name", "name")
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.checkboxes("boards", legend_size=Size.SMALL),
            Field.radios("access", legend_size=Size.SMALL),
            Field.radios("lifetime", legend_size=Size.SMALL),
            Submit("create", "Make the token"),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name for the token")
        return name
