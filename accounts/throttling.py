"""Sign-in throttling: failures are counted per account and, separately, per client address.

django-axes records every failure with the account key (accounts.backends.axes_username)
and the client IP (client_ip below: never from a header a client could simply send).
Axes applies one limit; this handler gives the two counts their own limits:
AXES_FAILURE_LIMIT for an account (from anywhere) and SIGN_IN_ADDRESS_FAILURE_LIMIT for an
address (across accounts: a whole council office may share one). Nothing is cleared by a
success (AXES_RESET_ON_SUCCESS is off), so signing in to one's own account does not buy
more guesses at another; failures age out after AXES_COOLOFF_TIME, and a password reset
by e-mail clears the account's count and signs the owner in, so a lockout can never keep
a user out for longer than it takes to read an e-mail.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django_ratelimit.core import is_ratelimited


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Failures on the scale of AXES_FAILURE_LIMIT: the account's own count, or the
        address's count scaled so that SIGN_IN_ADDRESS_FAILURE_LIMIT reaches the limit."""
        parameters = get_lockout_parameters(request, credentials)
        counts: dict[str, int] = {}
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=False
        ):
            counts[str(parameter)] = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        by_account = counts.get("username", 0)
        by_address = counts.get("ip_address", 0)
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        return max(by_account, scaled)


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies of our own, each
    appended the address it was reached from to X-Forwarded-For, so the client is the
    TRUSTED_PROXY_COUNT-th entry from the right; anything further left was written by the
    client and is ignored. With no trusted proxies, REMOTE_ADDR.

    (django-ipware's proxy_count counts proxies listed in the header, not proxies that
    append to it: one entry off for this set-up, so the rule is spelled out here.)"""
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-trusted] if len(hops) >= trusted else remote


TOO_MANY_EMAILS = (
    "Too many e-mails have been asked for, for this address or from this network. Wait an hour and try again."
)


def too_many_emails(request, kind: str, address: str) -> bool:
    """Count one more e-mail of ``kind`` (password reset, invitation) to ``address`` from
    this client, and say whether either limit is now passed (EMAIL_RATE_PER_ADDRESS,
    EMAIL_RATE_PER_IP). Counted in the shared cache (django-ratelimit), known and unknown
    addresses alike, so the answer reveals nothing about accounts."""
    address = address.strip().lower()
    by_address = is_ratelimited(
        request,
        group=f"{kind}-per-address",
        key=lambda group, request: address,
        rate=settings.EMAIL_RATE_PER_ADDRESS,
        increment=True,
    )
    by_client = is_ratelimited(
        request, group=f"{kind}-per-ip", key="ip", rate=settings.EMAIL_RATE_PER_IP, increment=True
    )
    return by_address or by_client
