"""Signing in (with the second step when the account has two-factor sign-in), resetting a
password, and accepting an invitation: a new person creates an account, an existing one
signs in."""

from __future__ import annotations

import logging
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.views import (
    INTERNAL_RESET_SESSION_TOKEN,
    LoginView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import invitations as invitation_service
from . import two_factor
from .backends import account_key
from .forms import NewAccountForm, NewPasswordForm, ResetRequestForm, SignInForm, email_in_use
from .invitations import InvitationUnusableError
from .models import SignOnTenant
from .throttling import TOO_MANY_EMAILS, client_ip, too_many_emails

security_log = logging.getLogger("safeguarding.security")

UNUSABLE_STATUS = {"unknown": 404, "expired": 410, "revoked": 410, "used": 410}


def _unusable(request: HttpRequest, reason: str) -> HttpResponse:
    security_log.info("invitation-link-refused reason=%s ip=%s", reason, request.META.get("REMOTE_ADDR", "-"))
    return render(
        request, "accounts/invitation_unusable.html", {"reason": reason}, status=UNUSABLE_STATUS[reason]
    )


@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_service.find_invitation(token)
    except InvitationUnusableError as refusal:
        return _unusable(request, refusal.reason)
    context: dict[str, Any] = {"invitation": invitation, "board": invitation.board}

    if request.user.is_authenticated:
        if request.user.email.strip().lower() != invitation.email:
            # A forwarded link must not let someone else join the board.
            security_log.warning(
                "invitation-wrong-account invitation=%s user=%s", invitation.pk, request.user.get_username()
            )
            return render(request, "accounts/invitation_other_account.html", context, status=403)
        if request.method == "POST":
            try:
                accepted = invitation_service.accept(token, request.user)
            except InvitationUnusableError as refusal:
                return _unusable(request, refusal.reason)
            if accepted.created:
                messages.success(
                    request,
                    f"You joined {invitation.board.name} as {accepted.membership.get_role_display().lower()}.",
                )
            else:
                messages.success(
                    request,
                    f"You were already on {invitation.board.name}; your role "
                    f"({accepted.membership.get_role_display().lower()}) is unchanged.",
                )
            return redirect(invitation.board.get_absolute_url())
        return render(request, "accounts/invitation_accept.html", context)

    # Their organisation's tenant, if it has one: signing in through it comes back here.
    context["sso_available"] = SignOnTenant.objects.for_email(invitation.email).exists()
    if email_in_use(invitation.email):
        return render(request, "accounts/invitation_sign_in.html", {**context, "next": request.path})

    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = get_user_model()._default_manager.create_user(
                    username=invitation_service.username_for(invitation.email),
                    email=invitation.email,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
                accepted = invitation_service.accept(token, user)
        except InvitationUnusableError as refusal:
            return _unusable(request, refusal.reason)
        login(request, user, backend="accounts.backends.EmailOrUsernameBackend")
        messages.success(
            request,
            f"Your account was created and you joined {invitation.board.name} as "
            f"{accepted.membership.get_role_display().lower()}. You sign in with {invitation.email}.",
        )
        return redirect(invitation.board.get_absolute_url())
    return render(request, "accounts/invitation_new_account.html", {**context, "form": form})


class SignInView(LoginView):
    """Django's sign-in page (django-axes counts the failures). When the account has
    two-factor sign-in, a right password only leads to the second step
    (accounts/two_factor_views.py): the user is not signed in until the code is right."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_two_factor(user):
            two_factor.start_pending(self.request, user, user.backend, self.get_success_url())
            security_log.info("password-accepted-awaiting-code user=%s", user.get_username())
            return redirect("two_factor_authenticate")
        self.request.session.pop(two_factor.SSO_SESSION_KEY, None)
        return super().form_valid(form)


class ResetRequestView(PasswordResetView):
    """Ask for a reset link: limited per address and per client (accounts.throttling), and
    sent by the worker (accounts.outbox), so known and unknown addresses look alike."""

    form_class = ResetRequestForm

    def form_valid(self, form):
        if too_many_emails(self.request, "password-reset", form.cleaned_data["email"]):
            security_log.warning("password-reset-throttled ip=%s", client_ip(self.request))
            form.add_error(None, TOO_MANY_EMAILS)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class ResetPasswordConfirmView(PasswordResetConfirmView):
    """Django's set-new-password view, which also lifts a sign-in lockout.

    Someone locked out after five wrong guesses who proves they own the
    address should not then wait out the rest of the 15 minutes.

    """

    form_class = NewPasswordForm
    # Signed in at once: someone keeping the account locked by failing on purpose cannot
    # stop its owner getting in (accounts/throttling.py).
    post_reset_login = True
    post_reset_login_backend = "accounts.backends.EmailOrUsernameBackend"

    def form_valid(self, form):
        if two_factor.has_two_factor(self.user):
            # The e-mail proves the address, not the second factor: set the password, then
            # ask for a code as a sign-in would.
            form.save()
            del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
            axes_reset(username=account_key(self.user))
            security_log.info("password-reset-done user=%s awaiting-code", self.user.get_username())
            two_factor.start_pending(
                self.request,
                self.user,
                self.post_reset_login_backend,
                resolve_url(settings.LOGIN_REDIRECT_URL),
            )
            messages.success(request=self.request, message="Your password was changed. Now enter your code.")
            return redirect("two_factor_authenticate")
        response = super().form_valid(form)
        axes_reset(username=account_key(self.user))
        security_log.info("password-reset-done user=%s", self.user.get_username())
        return response
