from __future__ import annotations

import datetime
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.db import models, transaction
from django.utils import timezone

from boards.forms import choice_field, model_choice_field
from boards.govuk_fields import GovukDateField
from boards.models import Board

from .models import (
    AdoptionDecision,
    Consent,
    Framework,
    FrameworkBoard,
    Relationship,
    RelationshipKind,
    Responsibility,
    SharedFunction,
    consent_fields,
)


class AdoptionForm(forms.Form):
    board = forms.ModelChoiceField(queryset=Board.objects.none(), label="Board", empty_label=None)
    decision = forms.ChoiceField(
        choices=AdoptionDecision.choices, widget=forms.RadioSelect, label="What did the board decide?"
    )
    meeting_date = GovukDateField(
        label="Date of the meeting",
        help_text="The meeting that decided. For example, 27 3 2026",
        required_message="Enter the date of the meeting that decided",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="For example, the minute reference.",
    )

    def __init__(self, *args, boards, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "board").queryset = boards
        self.fields["decision"].error_messages["required"] = "Choose what the board decided"
        if boards.count() == 1:
            self.fields["board"].initial = boards.first()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("board"),
            Field.radios("decision", legend_size=Size.SMALL, inline=True),
            Field("meeting_date"),
            Field.text("note"),
            Button("submit", "Record decision", data_prevent_double_click="true"),
        )

    def clean_meeting_date(self) -> datetime.date:
        value = self.cleaned_data["meeting_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("Date of the meeting must be today or in the past")
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

    def __init__(self, *args, framework: Framework, managed_board_ids: set[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        self.managed_board_ids = managed_board_ids
        boards = bound_boards(framework)
        model_choice_field(self, "from_board").queryset = boards
        model_choice_field(self, "to_board").queryset = boards
        model_choice_field(self, "from_board").empty_label = "Choose a board"
        model_choice_field(self, "to_board").empty_label = "Choose the other board"
        choice_field(self, "kind").choices = [("", "Choose a relationship"), *RelationshipKind.choices]
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
        super().clean()
        cleaned = self.cleaned_data
        duplicate = Relationship.objects.filter(
            framework=self.instance.framework,
            from_board=cleaned.get("from_board"),
            to_board=cleaned.get("to_board"),
            kind=cleaned.get("kind"),
        )
        if duplicate.exists():
            raise forms.ValidationError("The framework already records this relationship.")
        ends = {board.pk for board in (cleaned.get("from_board"), cleaned.get("to_board")) if board}
        if len(ends) == 2 and not ends & self.managed_board_ids:
            # A relationship is part of both boards' governance: one of them must be yours.
            raise forms.ValidationError("Choose a relationship of a board you manage.")
        return cleaned


class NewFrameworkForm(forms.Form):
    board = forms.ModelChoiceField(
        queryset=Board.objects.none(),
        label="Your board",
        help_text="The framework belongs to this board's partnership and binds this board first.",
        empty_label=None,
    )
    title = forms.CharField(max_length=250, error_messages={"required": "Enter the framework's title"})
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, boards, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "board").queryset = boards
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.select("board"),
            Field.text("title"),
            Field.textarea("summary"),
            Button("submit", "Create draft", data_prevent_double_click="true"),
        )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        board, title = cleaned.get("board"), cleaned.get("title")
        if (
            board
            and title
            and Framework.objects.filter(partnership_id=board.partnership_id, title=title).exists()
        ):
            self.add_error(
                "title", "Your partnership already has a framework with this title: start a new version of it"
            )
        return cleaned

    def save(self, user) -> Framework:
        board = self.cleaned_data["board"]
        with transaction.atomic():
            framework = Framework.objects.create(
                partnership_id=board.partnership_id,
                title=self.cleaned_data["title"],
                summary=self.cleaned_data["summary"],
            )
            # The board is one the user manages (the form offers no other): consent is given by starting.
            FrameworkBoard.objects.create(
                framework=framework,
                board=board,
                statutory_basis=board.statutory_basis,
                **consent_fields(True, user, timezone.now()),
            )
        return framework


class FrameworkBoardForm(forms.ModelForm):
    """Bind a board. A board the user manages is bound at once; any other board is asked,
    and is bound only when one of its managers accepts."""

    class Meta:
        model = FrameworkBoard
        fields = ["board", "primary_function", "statutory_basis", "is_party"]
        labels = {"board": "Board to bind", "is_party": "This board must adopt the framework"}
        help_texts = {
            "board": "A board you do not manage is asked first: it is bound when one of its managers agrees."
        }

    def __init__(self, *args, framework: Framework, managed_board_ids: set[int], user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        self.managed_board_ids = managed_board_ids
        self.user = user
        model_choice_field(self, "board").queryset = Board.objects.filter(
            partnership_id=framework.partnership_id
        ).exclude(framework_roles__framework=framework)
        model_choice_field(self, "board").empty_label = "Choose a board"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("board"),
            Field.text("primary_function"),
            Field.text("statutory_basis"),
            Field.checkbox("is_party"),
            Button("submit", "Bind the board", data_prevent_double_click="true", css_id="bind-submit"),
        )

    def save(self, commit: bool = True) -> FrameworkBoard:
        last = self.instance.framework.framework_boards.aggregate(last=models.Max("position"))["last"] or 0
        self.instance.position = last + 1
        own_board = self.instance.board_id in self.managed_board_ids
        for field, value in consent_fields(own_board, self.user, timezone.now()).items():
            setattr(self.instance, field, value)
        return super().save(commit=commit)


class FrameworkBoardChoiceField(forms.ModelChoiceField):
    """A framework's board, shown by the board's name alone."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.board)


class ResponsibilityForm(forms.ModelForm):
    class Meta:
        model = Responsibility
        fields = ["framework_board", "sub_group", "text"]
        labels = {"framework_board": "Board", "sub_group": "Sub-group (optional)", "text": "Responsibility"}
        field_classes = {"framework_board": FrameworkBoardChoiceField}

    def __init__(self, *args, framework: Framework, managed_board_ids: set[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A board's responsibilities are its own governance section: only its managers add to them.
        model_choice_field(self, "framework_board").queryset = (
            framework.framework_boards.consented().filter(board__in=managed_board_ids).select_related("board")
        )
        self.fields["framework_board"].help_text = "One of your boards."
        model_choice_field(self, "framework_board").empty_label = "Choose a board"
        self.fields["text"].widget = forms.Textarea(attrs={"rows": 2})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("framework_board"),
            Field.text("sub_group"),
            Field.textarea("text"),
            Button(
                "submit",
                "Add responsibility",
                data_prevent_double_click="true",
                css_id="responsibility-submit",
            ),
        )

    def save(self, commit: bool = True) -> Responsibility:
        fb = self.cleaned_data["framework_board"]
        last = fb.responsibilities.aggregate(last=models.Max("position"))["last"] or 0
        self.instance.position = last + 1
        return super().save(commit=commit)


class SharedFunctionForm(forms.ModelForm):
    class Meta:
        model = SharedFunction
        fields = ["name", "delivered_by", "description", "boards"]
        labels = {"delivered_by": "Delivered through (group)", "boards": "Boards that share it"}
        widgets = {"boards": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, framework: Framework, managed_board_ids: set[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        self.managed_board_ids = managed_board_ids
        model_choice_field(self, "boards").queryset = bound_boards(framework)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name"),
            Field.text("delivered_by"),
            Field.textarea("description"),
            Field.checkboxes("boards", legend_size=Size.SMALL),
            Button("submit", "Add shared function", data_prevent_double_click="true", css_id="shared-submit"),
        )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        name = cleaned.get("name")
        if name and SharedFunction.objects.filter(framework=self.instance.framework, name=name).exists():
            self.add_error("name", "The framework already has a shared function with this name")
        boards = cleaned.get("boards")
        if boards is not None and len(boards) < 2:
            self.add_error("boards", "Choose at least two boards: a shared function is shared")
        elif boards and not {board.pk for board in boards} & self.managed_board_ids:
            self.add_error("boards", "Choose a board you manage among the boards that share it")
        return cleaned


class BoardSectionForm(forms.ModelForm):
    """A board's own governance section: what the framework gives it to do. Its managers only."""

    class Meta:
        model = FrameworkBoard
        fields = ["primary_function", "statutory_basis"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("primary_function"),
            Field.text("statutory_basis"),
            Button("submit", "Save", data_prevent_double_click="true"),
        )


def bound_boards(framework: Framework):
    """The boards the framework binds with their consent: the only ones its parts may name."""
    return Board.objects.filter(
        framework_roles__framework=framework, framework_roles__consent=Consent.GIVEN
    ).order_by("short_name")
