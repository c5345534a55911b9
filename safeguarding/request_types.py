"""Types for what our middleware and decorators add to a request, for mypy.

Django's ``HttpRequest`` says ``user`` may be an ``AnonymousUser`` and knows nothing of the
``htmx`` attribute ``django_htmx.middleware.HtmxMiddleware`` sets on every request. A view
annotates its request with one of these to say what it can rely on; nothing here runs.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Any request: HtmxMiddleware (settings.MIDDLEWARE) sets ``htmx`` on all of them."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request a ``@login_required`` view (or one behind a check that the user is
    signed in) receives: its user is a real account."""

    user: User
