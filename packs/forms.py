from __future__ import annotations

import datetime

from django import forms

from .periods import PackPeriod, recent_quarters


class PackRequestForm(forms.Form):
    """Choose a quarter: the current one or one of the five before it."""

    quarter = forms.ChoiceField(label="Quarter", widget=forms.Select(attrs={"class": "govuk-select"}))

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = {q.start.isoformat(): q for q in recent_quarters(today)}
        self.fields["quarter"].choices = [(key, q.label) for key, q in self.quarters.items()]
        # Packs usually go to the meeting after a quarter ends: offer the last complete one first.
        self.fields["quarter"].initial = list(self.quarters)[1]

    @property
    def period(self) -> PackPeriod:
        return self.quarters[self.cleaned_data["quarter"]]
