"""Admin for people: unique e-mail addresses on user accounts, and a read-only view of invitations."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .forms import email_in_use
from .models import Invitation


class UniqueEmailMixin:
    """Site staff cannot give two accounts the same address: it is how people sign in."""

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if email and email_in_use(email, exclude_pk=self.instance.pk):
            raise forms.ValidationError("Another account already uses this e-mail address.")
        return email.lower() if email else email


class UniqueEmailUserChangeForm(UniqueEmailMixin, UserChangeForm):
    pass


class UniqueEmailUserCreationForm(UniqueEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        fields = ["username", "email"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UniqueEmailUserAdmin(UserAdmin):
    form = UniqueEmailUserChangeForm
    add_form = UniqueEmailUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "board", "role", "sent_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["board", "role"]
    search_fields = ["email"]
    # The token hash is useless to staff and there is no way to make a link from it.
    exclude = ["token_hash"]
    readonly_fields = [
        "board",
        "email",
        "role",
        "job_title",
        "invited_by",
        "sent_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # invitations are sent from the board's page, which e-mails the link
