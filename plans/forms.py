"""Edit forms for plans and their parts, rendered by crispy-forms-gds.

Every edit form carries the version it was based on (``based_on_version``);
``plans.editing`` refuses the save if the row has moved on since.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import QueryDict

from boards.forms import PersonChoiceField, choice_field, model_choice_field
from boards.govuk_fields import GovukDateField, autocomplete_select
from boards.models import Agency, SubCommittee

from .editing import BLUE_NOT_COMPLETE, normalise_due_date
from .models import (
    Action,
    BusinessPlan,
    DuePrecision,
    EvidenceSource,
    Measure,
    Objective,
    PriorityArea,
    Rag,
    Status,
)
from .structure import replace_evidence

PROGRESS_MAX = 5000
# The model field is a CharField, so it has a max_length.
EVIDENCE_LINE_MAX = cast(int, EvidenceSource._meta.get_field("text").max_length)
EVIDENCE_MAX_LINES = 20
DESCRIPTION_MAX = 2000
REASON_MAX = 2000


def too_long(label: str, limit: int) -> dict[str, str]:
    return {"max_length": f"{label} must be {limit:,} characters or fewer (you entered %(show_value)s)"}


class VersionedForm(forms.ModelForm):
    """A model form that remembers which version of the row it was based on."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    submit_label = "Save changes"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on_version"].initial = self.instance.version
        else:
            # A new row has no version to be based on.
            self.fields["based_on_version"].required = False
            self.submit_label = "Add"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *self.layout_fields(), "based_on_version", Submit("save", self.submit_label)
        )

    def layout_fields(self) -> list:
        return [Field.text(name) for name in self._meta.fields or ()]

    def keep_input_with_version(self, version: int, current=None, base=None) -> None:
        """After a conflict: keep what the user changed, show the other person's
        values in the fields the user left alone, and base the form on the current
        version, so a second "Save" (after reading what changed) loses neither."""
        # A bound form's data: request.POST, whose copy may be changed.
        data = cast(QueryDict, self.data).copy()
        data[self.add_prefix("based_on_version")] = str(version)
        if current is not None and base is not None and hasattr(self, "cleaned_data"):
            for name in self._meta.fields or ():
                field = self.fields[name]
                model_field = current._meta.get_field(name)
                submitted = self.cleaned_data.get(name)
                if submitted is not None and hasattr(submitted, "pk"):
                    submitted = submitted.pk
                if submitted in (None, "") and getattr(base, model_field.attname) in (None, ""):
                    user_changed = False
                else:
                    user_changed = submitted != getattr(base, model_field.attname)
                if user_changed:
                    continue
                value = getattr(current, model_field.attname)
                if isinstance(field, forms.MultiValueField):
                    for i, part in enumerate(field.widget.decompress(value)):
                        data[self.add_prefix(f"{name}_{i}")] = "" if part is None else str(part)
                else:
                    data[self.add_prefix(name)] = "" if value is None else str(value)
        self.data = data


class BusinessPlanForm(VersionedForm):
    period_start = GovukDateField(label="Start date")
    period_end = GovukDateField(label="End date")

    # No status here: a new plan is a draft; approving, revising and archiving are
    # their own steps (plans.approval, plans.structure), each recorded with who and when.
    class Meta:
        model = BusinessPlan
        fields = ["title", "period_start", "period_end"]

    def layout_fields(self) -> list:
        return [Field.text("title"), Field("period_start"), Field("period_end")]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", "End date must be after the start date")
        return data


class PriorityAreaForm(VersionedForm):
    class Meta:
        model = PriorityArea
        fields = ["number", "title", "wider_plan_link"]
        # A text box with a number keyboard, as GOV.UK asks (not type="number", which browsers
        # change on a scroll and screen readers announce oddly).
        widgets = {"number": forms.TextInput(attrs={"inputmode": "numeric"})}

    def layout_fields(self) -> list:
        return [Field.text("number", field_width=3), Field.text("title"), Field.text("wider_plan_link")]

    def clean_number(self):
        number = self.cleaned_data["number"]
        clash = PriorityArea.objects.filter(plan=self.instance.plan, number=number).exclude(
            pk=self.instance.pk
        )
        if number < 1:
            raise ValidationError("Number must be 1 or more")
        if clash.exists():
            raise ValidationError(f"Priority area {number} already exists in this plan")
        return number


class ObjectiveForm(VersionedForm):
    description = forms.CharField(
        label="What do we want to achieve?",
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea,
        error_messages=too_long("What do we want to achieve?", DESCRIPTION_MAX),
    )
    evidence = forms.CharField(
        label="How was the issue identified?",
        help_text="One source of evidence per line, for example: Serious Case Review action plan.",
        required=False,
        max_length=EVIDENCE_MAX_LINES * (EVIDENCE_LINE_MAX + 1),
        widget=forms.Textarea,
        error_messages=too_long(
            "How was the issue identified?", EVIDENCE_MAX_LINES * (EVIDENCE_LINE_MAX + 1)
        ),
    )

    class Meta:
        model = Objective
        fields = ["number", "description"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["evidence"].initial = "\n".join(s.text for s in self.instance.evidence_sources.all())

    def layout_fields(self) -> list:
        return [
            Field.text("number", field_width=5),
            Field.textarea("description", rows=4),
            Field.textarea("evidence", rows=4),
        ]

    def clean_evidence(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["evidence"].splitlines() if line.strip()]
        if len(lines) > EVIDENCE_MAX_LINES:
            raise ValidationError(f"Give at most {EVIDENCE_MAX_LINES} sources of evidence, one per line")
        for number, line in enumerate(lines, start=1):
            if len(line) > EVIDENCE_LINE_MAX:
                raise ValidationError(
                    f"Line {number} is too long: each source must be {EVIDENCE_LINE_MAX} characters or fewer"
                )
        return lines

    def _save_m2m(self) -> None:
        # Runs after the objective is saved (also by save_form_versioned), inside its transaction.
        super()._save_m2m()  # type: ignore[misc]  # ModelForm's own, which the stubs leave out
        if "evidence" in self.changed_data:
            replace_evidence(self.instance, self.cleaned_data["evidence"])

    def clean_number(self):
        number = self.cleaned_data["number"]
        clash = Objective.objects.filter(priority_area=self.instance.priority_area, number=number)
        if clash.exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Objective {number} already exists in this priority area")
        return number


class MeasureForm(VersionedForm):
    description = forms.CharField(
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea,
        error_messages=too_long("Description", DESCRIPTION_MAX),
    )

    class Meta:
        model = Measure
        fields = ["description", "indicator_code"]

    def layout_fields(self) -> list:
        return [Field.textarea("description", rows=3), Field.text("indicator_code", field_width=10)]


def check_status_and_rag(form: forms.Form, data: dict) -> None:
    """Complete is blue and blue is complete (a check constraint): completing an action
    rates it blue; blue on an action that is not complete is an error to correct."""
    status, rag = data.get("status"), data.get("rag") or ""
    if status == Status.COMPLETE:
        data["rag"] = Rag.BLUE
    elif status and rag == Rag.BLUE:
        form.add_error("rag", BLUE_NOT_COMPLETE)


class ObjectiveChoiceField(forms.ModelChoiceField):
    """An objective shown by its number and the start of its description."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} {obj.description[:90]}"


# The mixin goes before a Form class, whose methods it uses; mypy reads it as one.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class DueDateConfirmation(_FormBase):
    """A due date outside the plan period needs a tick to confirm it."""

    def check_period(self, plan: BusinessPlan, due: datetime.date | None, date_field: str) -> None:
        if due is None or plan.period_start <= due <= plan.period_end:
            return
        self.show_confirmation = True
        if self.cleaned_data.get("confirm_outside_period"):
            return
        if due > plan.period_end:
            message = f"This date is after the plan ends ({plan.period_end:%B %Y}). Tick to confirm"
        else:
            message = f"This date is before the plan starts ({plan.period_start:%B %Y}). Tick to confirm"
        self.add_error(date_field, message)


# What each precision means, in the words of the plan page ("December 2026" or "14 December 2026").
DUE_PRECISION_CHOICES = [
    (DuePrecision.MONTH, "In a month, by its last day (the plan shows, for example, December 2026)"),
    (DuePrecision.DAY, "On a day (the plan shows, for example, 14 December 2026)"),
]


class ActionForm(DueDateConfirmation, VersionedForm):
    description = forms.CharField(
        label="Agreed action",
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea,
        error_messages=too_long("Agreed action", DESCRIPTION_MAX),
    )
    due_date = GovukDateField(label="Due date", required=False)
    due_date_reason = forms.CharField(
        label="Reason for changing the due date (only if you change it)",
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea,
        help_text="The original date is kept on the action, with this reason.",
        error_messages=too_long("Reason", REASON_MAX),
    )
    confirm_outside_period = forms.BooleanField(
        label="Yes, the due date is outside the plan period", required=False
    )

    class Meta:
        model = Action
        fields = [
            "objective",
            "description",
            "lead_role",
            "lead_sub_committee",
            "lead_agency",
            "responsible",
            "deferred_to",
            "due_date",
            "due_precision",
            "status",
            "rag",
        ]
        widgets = {
            "objective": autocomplete_select(),
            "responsible": autocomplete_select(),
            "due_precision": forms.RadioSelect,
            "status": forms.RadioSelect,
            "rag": forms.RadioSelect,
        }
        labels = {"due_precision": "Is the action due in a month or on a day?"}
        field_classes = {"objective": ObjectiveChoiceField, "responsible": PersonChoiceField}

    def __init__(self, *args, plan: BusinessPlan, **kwargs) -> None:
        self.plan = plan
        self.show_confirmation = False
        super().__init__(*args, **kwargs)
        # Choices come only from this plan and this board: an id of another
        # board's objective, sub-committee or user is refused as an invalid choice.
        model_choice_field(self, "objective").queryset = Objective.objects.filter(
            priority_area__plan=plan
        ).select_related("priority_area")
        model_choice_field(self, "lead_sub_committee").queryset = SubCommittee.objects.filter(
            board=plan.board_id
        )
        model_choice_field(self, "lead_agency").queryset = Agency.objects.filter(
            partnership_id=plan.board.partnership_id
        )
        model_choice_field(self, "lead_agency").empty_label = "None"
        self.fields[
            "lead_agency"
        ].help_text = "A partner agency that leads the action, when the plan names one."
        model_choice_field(self, "responsible").queryset = (
            get_user_model()
            .objects.filter(memberships__board=plan.board_id)
            .order_by("last_name", "first_name")
        )
        model_choice_field(self, "objective").empty_label = "Choose an objective"
        model_choice_field(self, "lead_sub_committee").empty_label = "None"
        model_choice_field(self, "responsible").empty_label = "None"
        # Also the answer to an id of another plan or board: only this one's are choices.
        self.fields["objective"].error_messages["invalid_choice"] = "Choose an objective from the list"
        self.fields["responsible"].error_messages["invalid_choice"] = (
            "Choose a person from the list, or leave the box empty for none"
        )
        choice_field(self, "due_precision").choices = DUE_PRECISION_CHOICES
        if self.instance.pk:
            self.original_due = self.instance.due_date
        else:
            # A new action has no due date to change, so no reason to give.
            del self.fields["due_date_reason"]

    def layout_fields(self) -> list:
        fields = [
            Field.select("objective"),
            Field.textarea("description", rows=4),
            Field.text("lead_role"),
            Field.select("lead_sub_committee"),
            Field.select("lead_agency"),
            Field.select("responsible"),
            Field.text("deferred_to"),
            Field("due_date"),
        ]
        if self.show_confirmation or self.data.get(self.add_prefix("confirm_outside_period")):
            fields.append(Field.checkbox("confirm_outside_period"))
        fields.append(Field.radios("due_precision", legend_size=Size.SMALL))
        if self.instance.pk:  # a new action has no reason field (see __init__)
            fields.append(Field.textarea("due_date_reason", rows=3))
        fields += [
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Field.radios("rag", legend_size=Size.SMALL, inline=True),
        ]
        return fields

    def clean(self):
        data = super().clean()
        check_status_and_rag(self, data)
        due = normalise_due_date(data.get("due_date"), data.get("due_precision") or DuePrecision.MONTH)
        if "due_date" in data:
            data["due_date"] = due
        if not self.instance.pk or due != self.original_due:
            # Only a new or moved date needs confirming; an agreed one stays as it is.
            self.check_period(self.plan, due, "due_date")
        if (
            self.instance.pk
            and "due_date" in data
            and due != self.original_due
            and not data.get("due_date_reason")
        ):
            self.add_error("due_date_reason", "Enter the reason for changing the due date")
        if self.show_confirmation:
            self.helper.layout = Layout(
                *self.layout_fields(), "based_on_version", Submit("save", self.submit_label)
            )
        return data

    @property
    def due_date_changed(self) -> bool:
        return bool(self.instance.pk) and self.cleaned_data.get("due_date") != self.original_due


class QuickUpdateForm(forms.Form):
    """Progress, status and RAG in one step (My actions, the action page)."""

    text = forms.CharField(
        label="Progress update",
        required=False,
        max_length=PROGRESS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=too_long("Progress update", PROGRESS_MAX),
    )
    status = forms.ChoiceField(choices=Status.choices)
    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, required=False)
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, action: Action, **kwargs) -> None:
        self.action = action
        kwargs.setdefault("prefix", f"action-{action.pk}")
        kwargs.setdefault(
            "initial", {"status": action.status, "rag": action.rag, "based_on_version": action.version}
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("text", rows=3),
            Field.select("status"),
            Field.select("rag"),
            "based_on_version",
        )

    def clean_text(self) -> str:
        return self.cleaned_data["text"].strip()

    def clean(self):
        data = super().clean()
        check_status_and_rag(self, data)
        unchanged = data.get("status") == self.action.status and (data.get("rag") or "") == self.action.rag
        if not self.errors and not data.get("text") and unchanged:
            self.add_error("text", "Enter a progress update, or change the status or RAG rating")
        return data

    def keep_input_with_version(self, version: int) -> None:
        data = cast(QueryDict, self.data).copy()  # request.POST, as above
        data[self.add_prefix("based_on_version")] = str(version)
        self.data = data


class DueDateRequestForm(DueDateConfirmation, forms.Form):
    """A lead asks for a new due date; a manager approves or refuses it.

    A manager's own change applies at once (``applies_at_once``), and the form says so."""

    new_due_date = GovukDateField(label="New due date")
    reason = forms.CharField(
        label="Why does the due date need to change?",
        max_length=REASON_MAX,
        widget=forms.Textarea,
        error_messages={
            **too_long("Reason", REASON_MAX),
            "required": "Enter the reason for the new due date",
        },
    )
    confirm_outside_period = forms.BooleanField(
        label="Yes, the new due date is outside the plan period", required=False
    )

    def __init__(
        self, *args, action: Action, plan: BusinessPlan, applies_at_once: bool = False, **kwargs
    ) -> None:
        self.action = action
        self.plan = plan
        self.applies_at_once = applies_at_once
        self.show_confirmation = False
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self._build_layout()

    def _build_layout(self) -> None:
        fields = [Field("new_due_date")]
        if self.show_confirmation or self.data.get("confirm_outside_period"):
            fields.append(Field.checkbox("confirm_outside_period"))
        submit = "Change the due date" if self.applies_at_once else "Ask for this due date"
        fields += [Field.textarea("reason", rows=4), Submit("request", submit)]
        self.helper.layout = Layout(*fields)

    def clean(self):
        data = super().clean()
        due = normalise_due_date(data.get("new_due_date"), self.action.due_precision)
        if due is not None:
            data["new_due_date"] = due
            if due == self.action.due_date:
                self.add_error("new_due_date", "The new due date is the same as the current one")
        self.check_period(self.plan, due, "new_due_date")
        self._build_layout()
        return data


class HistoryRevertForm(forms.Form):
    history_id = forms.IntegerField(widget=forms.HiddenInput)


FORM_FOR_MODEL: dict[type, type[VersionedForm]] = {
    BusinessPlan: BusinessPlanForm,
    PriorityArea: PriorityAreaForm,
    Objective: ObjectiveForm,
    Measure: MeasureForm,
}
