import logging
import sys

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

security_log = logging.getLogger("safeguarding.security")


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Generic 403 page; the refusal is logged with who, what and where."""
    user = request.user.get_username() if request.user.is_authenticated else "-"
    security_log.warning(
        "refused user=%s method=%s path=%s ip=%s",
        user,
        request.method,
        request.path,
        request.META.get("REMOTE_ADDR", "-"),
    )
    # Our refusals carry a plain reason ("This plan is archived…"); show it.
    reason = str(exception) if isinstance(exception, PermissionDenied) else ""
    return render(request, "403.html", {"exception": reason}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired session, stale page) gets our own 403 page, with its
    skip link, navigation and favicon, rather than Django's bare technical page."""
    return permission_denied(
        request,
        PermissionDenied(
            "This form was out of date or your session had ended, so nothing was saved. "
            "Go back, reload the page and try again."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; while PostgreSQL is unreachable (restarting, failing over) a plain
    "try again shortly" page instead (503 with Retry-After). Django has already logged the
    exception. The next request connects afresh (CONN_HEALTH_CHECKS): nothing to restart."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "500.html", status=500)
