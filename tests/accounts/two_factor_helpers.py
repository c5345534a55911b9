"""Helpers for tests of two-factor sign-in: a user with an authenticator app and the code
it would show now."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def with_authenticator(user) -> tuple[TOTPDevice, list[str]]:
    """Give ``user`` a confirmed app and recovery codes, as the set-up page does."""
    device = TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE_NAME, confirmed=True)
    return device, two_factor.new_recovery_codes(user)


def code_now(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The 6-digit code the app shows now (or that many 30-second steps later)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits
    )
    return f"{value:0{device.digits}d}"
