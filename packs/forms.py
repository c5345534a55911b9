from __future__ import annotations

import datetime

from django import forms

from boards.forms import choice_field
from boards.models import Board

from .periods import PackPeriod, board_meeting_periods, recent_quarters

QUARTER_ERROR = "Choose one of the quarters listed"
MEETING_ERROR = "Choose one of the meetings listed"


class PackRequestForm(forms.Form):
    """Choose a quarter (the current one or one of the five before it) or one of the
    board's meetings. The page has a form for each, so a request names one of them."""

    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        error_messages={"invalid_choice": QUARTER_ERROR},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    meeting = forms.ChoiceField(
        label="Meeting",
        required=False,
        # Also the answer to a meeting id of another board: only this board's meetings are choices.
        error_messages={"invalid_choice": MEETING_ERROR},
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, today: datetime.date, board: Board, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = {q.start.isoformat(): q for q in recent_quarters(today)}
        choice_field(self, "quarter").choices = [(key, q.label) for key, q in self.quarters.items()]
        # Packs usually go to the meeting after a quarter ends: offer the last complete one first.
        self.fields["quarter"].initial = list(self.quarters)[1]
        self.meetings = {str(p.meeting_id): p for p in board_meeting_periods(board, today)}
        choice_field(self, "meeting").choices = [
            (key, f"{p.label} (covers {p.start:%-d %B %Y} to {p.end:%-d %B %Y})")
            for key, p in self.meetings.items()
        ]

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        if cleaned.get("quarter") and cleaned.get("meeting"):
            raise forms.ValidationError("Choose a quarter or a meeting, not both")
        if not cleaned.get("quarter") and not cleaned.get("meeting"):
            raise forms.ValidationError("Choose a quarter or a meeting")
        return cleaned

    @property
    def period(self) -> PackPeriod:
        if self.cleaned_data["meeting"]:
            return self.meetings[self.cleaned_data["meeting"]]
        return self.quarters[self.cleaned_data["quarter"]]
