"""Managers and site staff who must use two-factor sign-in set it up before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.middleware import is_verified

from . import two_factor

# What someone who must set up two-factor sign-in may still reach.
ALLOWED_URL_NAMES = ("two_factor_set_up", "two_factor_recovery_codes", "logout")


class TwoFactorRequiredMiddleware:
    """With TWO_FACTOR_REQUIRED_FOR_MANAGERS on, a manager or member of staff signed in with
    a password but without a verified second factor is sent to set one up. Signed in
    through their organisation (single sign-on), they rely on its MFA instead. Costs no
    query when the setting is off or the session is already verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS and self._must_set_up(request):
            allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("two_factor_set_up")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or request.session.get(two_factor.SSO_SESSION_KEY):
            return False
        if is_verified(user):  # django-otp: this session passed a second factor
            return False
        return two_factor.two_factor_required(user)
