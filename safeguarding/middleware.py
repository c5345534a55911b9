import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

SIGNED_IN_AT = "signed_in_at"


class AbsoluteSessionTimeoutMiddleware:
    """End a session SESSION_ABSOLUTE_SECONDS after sign-in, however active it is.

    Django's own expiry is an idle timeout (the cookie is refreshed as the user keeps
    using the site: RefreshIdleSessionMiddleware); the security checklist also asks for
    an absolute limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            now = time.time()
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, "Your session has ended. Sign in again to continue.")
        return self.get_response(request)


REFRESHED_AT = "refreshed_at"


class RefreshIdleSessionMiddleware:
    """Push a signed-in session's idle expiry back (SESSION_COOKIE_AGE from now) when it was
    last pushed SESSION_REFRESH_SECONDS ago or more: the same idle timeout, give or take that
    long, for one session write a minute instead of one a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            if now - request.session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[REFRESHED_AT] = now  # modified: saved with a new expiry
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answer /healthz/ before anything else looks at the request.

    A load balancer or `docker compose` health check calls it over plain HTTP with the
    container's own address as Host: SecurityMiddleware would redirect it to HTTPS and
    host validation would refuse it. It reveals nothing but "ok" and whether the
    database answers, so it needs neither.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz/" and request.method in ("GET", "HEAD"):
            from .views import healthz

            return healthz(request)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages and files served to a signed-in user may hold safeguarding data: no browser,
    proxy or shared computer keeps a copy (Cache-Control: no-store)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


HAS_WRITTEN = "has_written"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class RememberWritersMiddleware:
    """Remember in the session that its user has sent a write (any POST, PUT, PATCH or
    DELETE while signed in). Pages cached per version may show a reader the version before
    the latest change while that change is being drawn (``plans.page_cache.body_for``);
    someone who writes always waits for the current version, so sees their own change."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in _SAFE_METHODS and not has_written(request):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                request.session[HAS_WRITTEN] = True
        return response


def has_written(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(HAS_WRITTEN))
