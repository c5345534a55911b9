from django import forms

from .models import NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    """Due-soon reminders and digests may be turned off. Overdue reminders and escalations
    are not in the form at all, so no request can turn them off (the model refuses too)."""

    class Meta:
        model = NotificationPreference
        fields = ["due_soon", "digest"]
        labels = {
            "due_soon": "E-mail me when an action I lead is due within two weeks",
            "digest": "Send me the weekly digest for boards I manage",
        }
