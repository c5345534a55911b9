"""Admin for people: unique e-mail addresses on user accounts, and a read-only view of invitations."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models

from .forms import email_in_use
from .models import Invitation, SignOnTenant


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
        fields = ("username", "email")


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


@admin.register(SignOnTenant)
class SignOnTenantAdmin(admin.ModelAdmin):
    """Site staff set up each organisation's tenant for single sign-on (accounts/sso.py)."""

    list_display = ["name", "partnership", "issuer", "email_domains", "enabled"]
    list_filter = ["enabled", "partnership"]
    search_fields = ["name", "issuer", "email_domains"]
    fields = [
        "partnership",
        "name",
        "slug",
        "issuer",
        "discovery_url",
        "client_id",
        "client_secret",
        "email_domains",
        "enabled",
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The secret is never shown back: typed once (or left empty for the environment).

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["client_secret"].widget = forms.PasswordInput(render_value=False)
        form.base_fields["client_secret"].required = False
        return form

    def save_model(self, request, obj, form, change) -> None:
        if change and not form.cleaned_data.get("client_secret"):
            # An empty box keeps the stored secret (it is never shown, so it cannot be re-typed).
            obj.client_secret = SignOnTenant.objects.get(pk=obj.pk).client_secret
        super().save_model(request, obj, form, change)


def _hide_allauths_unused_admin() -> None:
    """Tenants are configured as SignOnTenant rows (above) and no tokens are kept, so
    allauth's own app and token pages would only mislead: an app added there is never used.
    Its linked accounts page stays (staff may unlink someone). Imported here, before the
    admin's autodiscovery reaches allauth, so that the unregistering sticks."""
    from allauth.socialaccount import admin as allauth_admin  # noqa: F401 (registers them)
    from allauth.socialaccount.models import SocialApp, SocialToken

    for model in (SocialApp, SocialToken):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_hide_allauths_unused_admin()
