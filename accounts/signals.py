"""Security log: every sign-in, failed sign-in and sign-out, in UTC, without secrets."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .throttling import client_ip

security_log = logging.getLogger("safeguarding.security")


def _client(request) -> str:
    if request is None:
        return "-"
    return client_ip(request) or "-"


@receiver(user_logged_in)
def log_sign_in(sender, request, user, **kwargs) -> None:
    security_log.info("sign-in user=%s ip=%s", user.get_username(), _client(request))


@receiver(user_logged_out)
def log_sign_out(sender, request, user, **kwargs) -> None:
    security_log.info("sign-out user=%s ip=%s", user.get_username() if user else "-", _client(request))


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    # credentials has its password already masked by Django; log only the username.
    security_log.warning(
        "failed-sign-in username=%s ip=%s", credentials.get("username", "-"), _client(request)
    )
