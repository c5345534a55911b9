"""Forms for board administration (members, sub-committees), and the GOV.UK form helpers
other apps' forms use.

All are rendered by crispy-forms with the GOV.UK (``gds``) template pack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model

from .models import Agency, AgencyKind, Board, Membership, Role, SubCommittee


def gds_helper(*fields) -> FormHelper:
    """A POST form helper; ``novalidate`` so that our GOV.UK error summary, not the
    browser's own pop-up, reports mistakes."""
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields)
    return helper


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """``form.fields[name]`` as the ModelChoiceField a ModelForm makes for a foreign key (or
    the form declares), to set its ``queryset`` or ``empty_label``: to mypy ``fields`` holds
    plain ``Field``s."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` as the ChoiceField a ModelForm makes for a field with choices
    (or the form declares), to set its ``choices``."""
    return cast(forms.ChoiceField, form.fields[name])


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of user shown by full name (the username when there is none)."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


# The mixin goes before a Form class, whose methods it uses; mypy reads it as one.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class ErrorBorderMixin(_FormBase):
    """Red border on e-mail and password inputs with an error.

    crispy-forms-gds 2.0.1 adds ``govuk-input--error`` only to TextInput,
    Textarea and Select widgets (by class name), and the layout's classes
    replace the widget's, so the class is added to the layout field.
    """

    def full_clean(self) -> None:
        super().full_clean()
        helper = getattr(self, "helper", None)
        if helper is None or not self.errors:
            return
        for layout_field in helper.layout.fields:
            if not isinstance(layout_field, Field):
                continue
            name = layout_field.fields[0]
            widget = self.fields[name].widget if name in self.fields else None
            if name in self.errors and isinstance(widget, (forms.EmailInput, forms.PasswordInput)):
                classes = layout_field.attrs.get("class", "").split()
                if "govuk-input--error" not in classes:
                    layout_field.attrs["class"] = " ".join([*classes, "govuk-input--error"])


class MembershipForm(forms.ModelForm):
    role = forms.ChoiceField(
        label="Role on this board",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role."},
    )

    class Meta:
        model = Membership
        fields = ["role", "job_title", "agency"]
        labels = {"agency": "Agency"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        agency = model_choice_field(self, "agency")
        agency.queryset = Agency.objects.filter(partnership_id=self.instance.board.partnership_id)
        agency.empty_label = "Not recorded"
        self.fields[
            "agency"
        ].help_text = "The partner agency the member sits for. Managers add agencies on the board's Partner agencies page."
        self.helper = gds_helper(
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Field.select("agency"),
            Submit("submit", "Save changes"),
        )


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind"]
        labels = {"name": "Agency name", "kind": "Kind of agency"}
        error_messages = {
            "name": {"required": "Enter the agency's name."},
            "kind": {"required": "Choose the kind of agency."},
        }

    def __init__(self, *args, partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        choice_field(self, "kind").choices = AgencyKind.choices
        self.fields["kind"].widget = forms.RadioSelect(choices=AgencyKind.choices)
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("kind", legend_size=Size.SMALL),
            Submit("submit", "Save agency"),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Agency.objects.filter(partnership=self.instance.partnership, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError("The partnership already has an agency with this name.")
        return name


class SubCommitteeForm(forms.ModelForm):
    class Meta:
        model = SubCommittee
        fields = ["name", "chair"]
        help_texts = {"chair": "A member of this board. Leave empty if the chair is not yet appointed."}
        error_messages = {"name": {"required": "Enter the sub-committee’s name."}}
        field_classes = {"chair": PersonChoiceField}

    def __init__(self, *args, board: Board, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        chair = model_choice_field(self, "chair")
        chair.queryset = (
            get_user_model()
            ._default_manager.filter(memberships__board=board)
            .order_by("last_name", "first_name", "username")
        )
        chair.empty_label = "No chair yet"
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.select("chair"),
            Submit("submit", "Save sub-committee"),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = SubCommittee.objects.filter(board=self.board, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("This board already has a sub-committee with this name.")
        return name
