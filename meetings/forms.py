from __future__ import annotations

import datetime
import zoneinfo

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from boards.forms import choice_field, model_choice_field
from boards.govuk_fields import GovukDateField, autocomplete_select
from boards.models import Board
from plans.access import ARCHIVED_MESSAGE, plan_is_open
from plans.models import Action, Objective

from .models import (
    ActionArising,
    AgendaItem,
    BoardReport,
    Decision,
    DecisionKind,
    Meeting,
    ReportRecommendation,
)

LONDON = zoneinfo.ZoneInfo(settings.TIME_ZONE)
# 14:00, 14.00 (as minutes often write it) and 14:00:00.
TIME_FORMATS = ["%H:%M", "%H.%M", "%H:%M:%S"]


class MeetingForm(forms.ModelForm):
    date = GovukDateField(label="Date of the meeting")
    # Plain text boxes, as GOV.UK services ask for times: a browser time picker reads badly
    # with screen readers and differs on every phone. (A TextInput, not a TimeInput, so that
    # crispy-forms-gds styles it and its errors as a GOV.UK input; __init__ gives "14:00".)
    start_time = forms.TimeField(
        label="Start time",
        help_text="For example, 14:00",
        input_formats=TIME_FORMATS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    end_time = forms.TimeField(
        label="End time (optional)",
        required=False,
        help_text="For example, 16:00",
        input_formats=TIME_FORMATS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Meeting
        fields = ["title", "place"]

    # The page's order, so that the error summary lists problems in it.
    field_order = ["date", "start_time", "end_time", "place", "title"]

    def __init__(self, *args, board: Board, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        if self.instance.pk:
            starts = self.instance.starts_at.astimezone(LONDON)
            self.initial.update(date=starts.date(), start_time=f"{starts:%H:%M}")
            if self.instance.ends_at:
                self.initial["end_time"] = f"{self.instance.ends_at.astimezone(LONDON):%H:%M}"
        self.fields["start_time"].error_messages["required"] = "Enter the start time, for example 14:00"
        self.fields["start_time"].error_messages["invalid"] = (
            "Enter the start time as hours and minutes, like 14:00"
        )
        self.fields["end_time"].error_messages["invalid"] = (
            "Enter the end time as hours and minutes, like 16:00"
        )
        self.fields["place"].error_messages["required"] = "Enter where the meeting takes place"
        # The model's hint names "<board>", which a page would take for a tag.
        self.fields["title"].help_text = f"Leave empty for “Meeting of the {board.name}”."
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # our own error summary, not the browser's bubbles
        self.helper.layout = Layout(
            Field("date"),
            Field.text("start_time", field_width=5),
            Field.text("end_time", field_width=5),
            Field.text("place"),
            Field.text("title"),
            Button("submit", "Save meeting", data_prevent_double_click="true"),
        )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        date, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if date and start:
            self.instance.starts_at = datetime.datetime.combine(date, start, tzinfo=LONDON)
            self.instance.ends_at = datetime.datetime.combine(date, end, tzinfo=LONDON) if end else None
            if end and end <= start:
                self.add_error("end_time", "The end time must be after the start time.")
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "report"]
        labels = {"report": "Report presented (optional)"}

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        model_choice_field(self, "report").queryset = BoardReport.objects.filter(board=meeting.board)
        model_choice_field(self, "report").empty_label = "None"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("title"),
            Field.text("presenter"),
            Field.select("report"),
            Button("submit", "Add item", data_prevent_double_click="true"),
        )

    def save(self, commit: bool = True) -> AgendaItem:
        with transaction.atomic():
            # Race: two managers adding items at once would take the same position; lock the meeting row.
            Meeting.objects.select_for_update().get(pk=self.instance.meeting.pk)
            last = self.instance.meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
            self.instance.position = last + 1
            return super().save(commit=commit)


def recommend_to_choices(board: Board) -> list[tuple]:
    """The boards of the same partnership a decision can recommend something to."""
    boards = Board.objects.filter(partnership_id=board.partnership_id).exclude(pk=board.pk)
    return [("", "Not a recommendation"), *((b.pk, str(b)) for b in boards)]


class DecisionForm(forms.ModelForm):
    # A plain choice field with choices worked out once per page: the meeting page has
    # one form per agenda item, and a model choice field would query the boards for each.
    recommended_to = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Recommended to (board)"
    )

    class Meta:
        model = Decision
        fields = ["kind", "text"]
        labels = {"kind": "Decision", "text": "As minuted"}
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, agenda_item: AgendaItem, board_choices: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.agenda_item = agenda_item
        self.board = agenda_item.meeting.board
        # A decision is always of one kind: no empty radio.
        choice_field(self, "kind").choices = DecisionKind.choices
        choice_field(self, "recommended_to").choices = (
            board_choices if board_choices is not None else recommend_to_choices(self.board)
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.textarea("text", rows=2),
            Field.select("recommended_to"),
            Button(
                "submit",
                "Record decision",
                data_prevent_double_click="true",
                css_id=f"{self.prefix or 'decision'}-submit",
            ),
        )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        board_id = cleaned.get("recommended_to")
        if cleaned.get("kind") == DecisionKind.RECOMMENDED_TO:
            if not board_id:
                self.add_error("recommended_to", "Choose the board the recommendation goes to.")
            else:
                self.instance.recommended_to = Board.objects.get(pk=board_id)
        else:
            self.instance.recommended_to = None
        return cleaned


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, objective: Objective) -> str:
        return f"{objective.priority_area.plan.title} – {objective.number} {objective.description[:90]}"


class ActionArisingForm(forms.Form):
    objective = ObjectiveChoiceField(
        queryset=Objective.objects.none(),
        label="Objective in the board's plan",
        help_text="Type the objective's number or words from it.",
        empty_label="Choose an objective",
        widget=autocomplete_select(),
        error_messages={"invalid_choice": "Choose an objective from the list"},
    )
    description = forms.CharField(label="Agreed action", widget=forms.Textarea(attrs={"rows": 3}))
    lead_role = forms.CharField(label="Lead person", max_length=250, help_text="The lead's role.")
    due_date = GovukDateField(label="Due date", required_message="Enter the date the action is due")
    decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(), required=False, label="Decision it follows (optional)"
    )

    def __init__(self, *args, agenda_item: AgendaItem, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agenda_item = agenda_item
        # Only plans in force (approved): an action arising goes live at once, never into
        # a draft or an archived plan.
        model_choice_field(self, "objective").queryset = (
            Objective.objects.in_force()
            .filter(priority_area__plan__board=agenda_item.meeting.board)
            .select_related("priority_area__plan")
        )
        model_choice_field(self, "decision").queryset = agenda_item.decisions.all()
        model_choice_field(self, "decision").empty_label = "None"
        self.fields["objective"].error_messages["required"] = "Choose the objective the action serves"
        self.fields["description"].error_messages["required"] = "Enter the agreed action"
        self.fields["lead_role"].error_messages["required"] = "Enter the lead person's role"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # our own error summary, not the browser's bubbles
        self.helper.layout = Layout(
            Field.select("objective"),
            Field.textarea("description"),
            Field.text("lead_role"),
            Field("due_date"),
            Field.select("decision"),
            Button("submit", "Create the plan action", data_prevent_double_click="true"),
        )

    def save(self, user) -> ActionArising:
        objective = self.cleaned_data["objective"]
        with transaction.atomic():
            # Race: two actions added to one objective at once would take the same position; lock the objective.
            Objective.objects.select_for_update().get(pk=objective.pk)
            # Race: the plan archived since the form was shown; its row lock orders us after the archive.
            # (A plan in force only ever leaves force by archiving: approval is never undone.)
            if not plan_is_open(objective.priority_area.plan_id, lock=True):
                raise PermissionDenied(ARCHIVED_MESSAGE)
            last = objective.actions.aggregate(last=Max("position"))["last"] or 0
            action = Action.objects.create(
                objective=objective,
                position=last + 1,
                description=self.cleaned_data["description"],
                lead_role=self.cleaned_data["lead_role"],
                due_date=self.cleaned_data["due_date"],
                due_precision="day",
                timescale_text="",
            )
            return ActionArising.objects.create(
                agenda_item=self.agenda_item,
                decision=self.cleaned_data["decision"],
                action=action,
                created_by=user,
            )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting: Meeting) -> str:
        return f"{meeting.starts_at:%-d %B %Y} – {meeting.place}"


class BoardReportForm(forms.ModelForm):
    recommendations_text = forms.CharField(
        label="Recommendations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One recommendation per line. They are numbered in this order.",
    )

    class Meta:
        model = BoardReport
        fields = [
            "title",
            "meeting",
            "report_of",
            "purpose",
            "background",
            "detail",
            "financial_implications",
            "legal_implications",
            "risk_assessment",
            "consultation",
            "background_papers",
            "contact_name",
            "contact_role",
            "contact_phone",
            "contact_email",
        ]
        field_classes = {"meeting": MeetingChoiceField}

    def __init__(self, *args, board: Board, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.board = board
        model_choice_field(self, "meeting").queryset = Meeting.objects.filter(board=board).select_related(
            "board"
        )
        model_choice_field(self, "meeting").empty_label = "None"
        if self.instance.pk and not self.is_bound:
            self.initial["recommendations_text"] = "\n".join(
                r.text for r in self.instance.recommendations.all()
            )
        helptext = (
            "Separate paragraphs with a blank line: each is numbered within its section (2.1, 2.2…). "
            "Start a line with “- ” for a bullet."
        )
        required_messages = {
            "title": "Enter the report's title",
            "report_of": "Enter whose report it is, for example Executive Director People Services",
            "purpose": "Enter the purpose of the report",
        }
        for name, message in required_messages.items():
            self.fields[name].error_messages["required"] = message
        self.fields["contact_email"].error_messages["invalid"] = (
            "Enter the contact officer's e-mail address in the right format, like name@example.org"
        )
        self.fields["contact_name"].label = "Name"
        self.fields["contact_role"].label = "Role"
        for name in ("purpose", "background", "detail"):
            self.fields[name].help_text = helptext
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # our own error summary, not the browser's bubbles
        self.helper.layout = Layout(
            Fieldset(
                Field.text("title"),
                Field.select("meeting"),
                Field.text("report_of"),
                legend="The report",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("purpose", rows=3),
                Field.textarea("background", rows=6),
                Field.textarea("detail", rows=10),
                Field.textarea("recommendations_text"),
                Field.textarea("financial_implications", rows=2),
                Field.textarea("legal_implications", rows=2),
                Field.textarea("risk_assessment", rows=2),
                Field.textarea("consultation", rows=2),
                Field.textarea("background_papers", rows=2),
                legend="Sections",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("contact_name"),
                Field.text("contact_role"),
                Field.text("contact_phone", field_width=20),
                Field.text("contact_email"),
                legend="Contact officer",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", "Save report", data_prevent_double_click="true"),
        )

    def clean_recommendations_text(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["recommendations_text"].splitlines()]
        return [line.lstrip("-•0123456789.) ").strip() or line for line in lines if line]

    def save(self, commit: bool = True) -> BoardReport:
        with transaction.atomic():
            report = super().save(commit=True)
            save_recommendations(report, self.cleaned_data["recommendations_text"])
        return report


def save_recommendations(report: BoardReport, texts: list[str]) -> None:
    """Make the report's numbered recommendations match ``texts``, writing (and so
    recording history for) only the rows that changed."""
    existing = {r.position: r for r in report.recommendations.all()}
    for position, text in enumerate(texts, start=1):
        row = existing.pop(position, None)
        if row is None:
            ReportRecommendation.objects.create(report=report, position=position, text=text)
        elif row.text != text:
            row.text = text
            row.save(update_fields=["text"])
    for row in existing.values():
        row.delete()
