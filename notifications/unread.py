"""The unread count in the header, kept in the session so most pages cost no query.

Reminders arrive once a day, so a count up to COUNT_MAX_AGE seconds old is fine. It
is counted at sign-in, refreshed when it is older than that, and reset whenever the
user opens or clears their notifications.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from safeguarding.request_types import AuthenticatedHttpRequest

from .models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SESSION_KEY = "notifications_unread"
COUNT_MAX_AGE = 120  # seconds


def refresh_unread_count(request: HttpRequest, user: User) -> int:
    """Count the user's unread notifications into the session; ``user`` is request.user,
    or at sign-in the user being signed in."""
    count = Notification.objects.filter(user=user).unread().count()
    request.session[SESSION_KEY] = [count, time.time()]
    return count


def unread_count(request: AuthenticatedHttpRequest) -> int:
    cached = request.session.get(SESSION_KEY)
    if cached and time.time() - cached[1] < COUNT_MAX_AGE:
        return int(cached[0])
    return refresh_unread_count(request, request.user)


@receiver(user_logged_in, dispatch_uid="notifications_unread_count_at_sign_in")
def count_at_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        refresh_unread_count(request, user)


def page_state(request: HttpRequest) -> str:
    """The badge's count, as plans.extensions.register_page_state wants it (signed-in pages)."""
    return str(unread_count(cast(AuthenticatedHttpRequest, request)))
