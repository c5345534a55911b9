"""Two-factor sign-in for password sign-ins: an authenticator app (TOTP) and recovery codes.

django-otp keeps the devices: a TOTPDevice (RFC 6238, drift tolerance, a code is never
accepted twice) and a StaticDevice whose tokens are the recovery codes (each works
once). Both throttle their own failures; django-axes counts them as failed sign-ins of
the account as well (accounts/two_factor_views.py), so the second step shares the
first's lockout.

Who must use it: with TWO_FACTOR_REQUIRED_FOR_MANAGERS on, anyone who manages a board
and site staff. Single sign-on relies on the organisation's own MFA instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from boards.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PENDING_KEY = "two_factor_pending"
SSO_SESSION_KEY = "signed_in_with_sso"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_two_factor(user) -> bool:
    """Whether the user has a confirmed authenticator app (the second step is then asked)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required(user) -> bool:
    """Managers of any board and site staff must set up two-factor sign-in, when the
    TWO_FACTOR_REQUIRED_FOR_MANAGERS setting says so."""
    if not settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS or not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or Membership.objects.managers().filter(user=user).exists()


@dataclass
class Pending:
    user: User
    backend: str
    next_url: str


def start_pending(request: HttpRequest, user, backend: str, next_url: str) -> None:
    """The password was right: remember who, for TWO_FACTOR_PENDING_SECONDS, until the
    second step. The user is not signed in yet."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
    }


def pending(request: HttpRequest) -> Pending | None:
    """The sign-in waiting for its second step, or None (none, lapsed, or the account
    was disabled meanwhile)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user_pk = data.get("user")
    if user_pk is None:
        return None
    user = get_user_model()._default_manager.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, backend=data["backend"], next_url=data["next"])


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def verify_code(user, code: str):
    """The device that accepts ``code`` (six digits: the app; otherwise a recovery code,
    used up by this), or None. Rows are locked so that one code cannot be used twice at
    once."""
    code = "".join(code.split()).lower()
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
        for device in devices:
            if device.verify_token(code):
                return device
    return None


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_authenticator(user) -> TOTPDevice:
    """The unconfirmed app device being set up (one at a time; a new visit reuses it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones (shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_authenticator(device: TOTPDevice, code: str) -> bool:
    """Confirm a new app by a code it shows; the user's older apps are removed."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token("".join(code.split())):
            return False
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def formatted_key(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
