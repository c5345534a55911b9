"""Two-factor sign-in pages: the second step of a password sign-in, setting up an
authenticator app, recovery codes, and turning it off (accounts/two_factor.py)."""

from __future__ import annotations

import logging

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor
from .forms import TwoFactorCodeForm
from .throttling import client_ip

security_log = logging.getLogger("safeguarding.security")

WRONG_CODE = "The code is not right, or has already been used. Enter the code your app shows now."


@never_cache
@require_http_methods(["GET", "POST"])
def authenticate(request: HttpRequest) -> HttpResponse:
    """The second step: the password was right; a code from the app, or a recovery code."""
    waiting = two_factor.pending(request)
    if waiting is None:
        messages.info(request, "Sign in again: the time to enter your code ran out.")
        return redirect("login")
    user = waiting.user
    # The account's failures and lockout are the same as for passwords (django-axes).
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, None, credentials)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(user, form.cleaned_data["code"])
        if device is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            security_log.warning("two-factor-failed user=%s ip=%s", user.get_username(), client_ip(request))
            form.add_error("code", WRONG_CODE)
        else:
            two_factor.clear_pending(request)
            request.session.pop(two_factor.SSO_SESSION_KEY, None)
            login(request, user, backend=waiting.backend)
            otp_login(request, device)
            security_log.info(
                "two-factor-passed user=%s method=%s", user.get_username(), type(device).__name__
            )
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: make new ones on the "
                    "two-factor sign-in page if you are running out.",
                )
            return redirect(waiting.next_url)
    return render(request, "accounts/two_factor_authenticate.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Whether two-factor sign-in is on, with ways to set it up, make new recovery codes or
    turn it off (the last two need a current code)."""
    user = request.user
    enabled = two_factor.has_two_factor(user)
    required = two_factor.two_factor_required(user)
    form = TwoFactorCodeForm(
        request.POST or None,
        submit_label="Turn off two-factor sign-in"
        if request.POST.get("action") == "off"
        else "Make new codes",
    )
    credentials = {"username": user.get_username()}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        # Guessing codes here counts like guessing them at sign-in, and stops the same way.
        return get_lockout_response(request, None, credentials)
    if request.method == "POST" and enabled and form.is_valid():
        action = request.POST.get("action")
        if two_factor.verify_code(user, form.cleaned_data["code"]) is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error("code", WRONG_CODE)
        elif action == "off" and not required:
            two_factor.turn_off(user)
            security_log.info("two-factor-off user=%s", user.get_username())
            messages.success(request, "Two-factor sign-in is off. Signing in needs only your password.")
            return redirect("two_factor")
        elif action == "codes":
            request.session["recovery_codes"] = two_factor.new_recovery_codes(user)
            security_log.info("recovery-codes-renewed user=%s", user.get_username())
            return redirect("two_factor_recovery_codes")
    context = {
        "enabled": enabled,
        "required": required,
        "form": form,
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        "sso": bool(request.session.get(two_factor.SSO_SESSION_KEY)),
    }
    return render(request, "accounts/two_factor.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), then enter a code it shows."""
    device = two_factor.new_authenticator(request.user)
    form = TwoFactorCodeForm(
        request.POST or None,
        submit_label="Turn on two-factor sign-in",
        hint="The 6-digit code your app shows for this service now.",
    )
    if request.method == "POST" and form.is_valid():
        if two_factor.confirm_authenticator(device, form.cleaned_data["code"]):
            request.session["recovery_codes"] = two_factor.new_recovery_codes(request.user)
            device.refresh_from_db()
            otp_login(request, device)
            security_log.info("two-factor-on user=%s", request.user.get_username())
            return redirect("two_factor_recovery_codes")
        form.add_error(
            "code", "The code is not right. Enter the code your app shows now; codes change every 30 seconds."
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        # segno writes plain SVG elements (no script or style), from our own data.
        "qr_svg": mark_safe(
            qr.svg_inline(
                scale=5, border=2, title="QR code to add this service to your authenticator app"
            ).replace("<svg ", '<svg role="img" ', 1)
        ),
        "key": two_factor.formatted_key(device),
        "required": two_factor.two_factor_required(request.user),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown this once."""
    codes = request.session.pop("recovery_codes", None)
    if not codes:
        return redirect("two_factor")
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})
