"""Forms for signing in, passwords and invitations.

All are rendered by crispy-forms with the GOV.UK (``gds``) template pack.
"""

from __future__ import annotations

import logging
from typing import cast

from crispy_forms_gds.layout import Field, Fluid, Size, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.html import format_html, format_html_join

from boards.emails import send_templated_email
from boards.forms import ErrorBorderMixin, gds_helper
from boards.models import Board, Membership, Role

from . import outbox
from .outbox import SEND_PASSWORD_RESET

security_log = logging.getLogger("safeguarding.security")


def password_rules_html() -> str:
    """The password rules in force (from AUTH_PASSWORD_VALIDATORS), as a GOV.UK list."""
    rules = password_validation.password_validators_help_texts()
    items = format_html_join("", "<li>{}</li>", ((rule,) for rule in rules))
    return format_html('<ul class="govuk-list govuk-list--bullet govuk-hint">{}</ul>', items)


def reset_link_validity() -> str:
    """How long a password-reset link works, in words ("2 hours")."""
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours} hour{'' if hours == 1 else 's'}"


def email_in_use(email: str, exclude_pk: int | None = None) -> bool:
    users = get_user_model()._default_manager.filter(email__iexact=email.strip())
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Generic: says nothing about whether the account exists.
        "invalid_login": "Enter a correct e-mail address (or username) and password. The password is case-sensitive.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address or username"
        cast(forms.CharField, self.fields["username"]).max_length = 254
        self.fields["username"].widget.attrs["maxlength"] = 254


class ResetRequestForm(ErrorBorderMixin, PasswordResetForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text="The address you sign in with, or that your invitation was sent to.",
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS), Submit("submit", "Send the reset link")
        )

    @property
    def validity(self) -> str:
        return reset_link_validity()

    def save(self, *args, **kwargs) -> None:
        """In the web request: queue the e-mail for the worker; look nothing up here, so
        known and unknown addresses take the same time (accounts/outbox.py)."""
        outbox.send_email_later(SEND_PASSWORD_RESET, [self.cleaned_data["email"]])

    def deliver(self) -> None:
        """In the worker: Django's own reset (a link for each active account with the
        address, through send_mail below)."""
        if self.is_valid():
            PasswordResetForm.save(self, domain_override="planner")

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        # Through the one e-mail helper, with links built from SITE_URL rather
        # than the request's Host header.
        context = {**context, "reset_hours": reset_link_validity()}
        send_templated_email("registration/emails/password_reset", [to_email], context)
        security_log.info("password-reset-sent user=%s", context["user"].get_username())


def _word_new_password_fields(form: forms.Form) -> list:
    """The rules in force under "New password", plain messages; returns their layout."""
    form.fields["new_password1"].help_text = password_rules_html()
    form.fields["new_password2"].label = "Confirm new password"
    form.fields["new_password1"].error_messages["required"] = "Enter a new password."
    form.fields["new_password2"].error_messages["required"] = "Enter the new password again to confirm it."
    return [
        Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
        Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
    ]


class NewPasswordForm(ErrorBorderMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(*_word_new_password_fields(self), Submit("submit", "Set password"))


class ChangePasswordForm(ErrorBorderMixin, PasswordChangeForm):
    """Change a known password: the current one first, then the new one twice."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right. Enter it again.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password."
        self.helper = gds_helper(
            Field.text("old_password", field_width=Fluid.TWO_THIRDS),
            *_word_new_password_fields(self),
            Submit("submit", "Change password"),
        )


class NewAccountForm(ErrorBorderMixin, forms.Form):
    """A person accepting an invitation without an account: name and password."""

    first_name = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name."},
    )
    last_name = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name."},
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password."},
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again to confirm it."},
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = password_rules_html()
        self.helper = gds_helper(
            Field.text("first_name", field_width=Fluid.ONE_HALF),
            Field.text("last_name", field_width=Fluid.ONE_HALF),
            Field.text("password1", field_width=Fluid.TWO_THIRDS),
            Field.text("password2", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Create account and join the board"),
        )

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        elif password1:
            user = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationForm(ErrorBorderMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the e-mail address to send the invitation to.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org.",
        },
    )
    role = forms.ChoiceField(
        label="Role on this board",
        choices=Role.choices,
        initial=Role.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role they will have on this board."},
        help_text="Managers edit the plans and run the board; chairs update the actions they lead; "
        "members and executives read the board’s plans.",
    )
    job_title = forms.CharField(
        label="Job title (optional)",
        max_length=200,
        required=False,
        help_text="As shown in the board’s list of members, for example Designated Nurse.",
    )

    def __init__(self, *args, board: Board, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.board = board
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL, inline=False),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Send invitation"),
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(board=self.board, user__email__iexact=email).exists():
            raise forms.ValidationError("Someone with this e-mail address is already a member of this board.")
        return email


class TwoFactorCodeForm(ErrorBorderMixin, forms.Form):
    """A code from the authenticator app, or a recovery code (the second step of signing in)."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        error_messages={"required": "Enter the code from your authenticator app, or a recovery code."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args, submit_label: str = "Continue", hint: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if hint is not None:
            self.fields["code"].help_text = hint
        self.helper = gds_helper(
            Field.text("code", field_width=Fluid.ONE_THIRD), Submit("submit", submit_label)
        )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class SignOnForm(ErrorBorderMixin, forms.Form):
    """The work address that says which organisation's sign-in page to use."""

    email = forms.EmailField(
        label="Work e-mail address",
        max_length=254,
        help_text="For example name@sunderland.gov.uk. You then sign in on your organisation's own page.",
        error_messages={
            "required": "Enter your work e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.gov.uk.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Submit("submit", "Continue to your organisation"),
        )
