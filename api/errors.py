"""DRF's error answers, with every refusal logged like the pages' (``safeguarding.security``,
UTC, who and what, never a token)."""

from __future__ import annotations

import logging

from rest_framework.views import exception_handler as drf_exception_handler

security_log = logging.getLogger("safeguarding.security")


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code in (403, 404):
        request = context["request"]
        token = getattr(request, "auth", None)
        security_log.warning(
            "api-refused status=%s user=%s token=%s method=%s path=%s",
            response.status_code,
            request.user.get_username() or "-",
            getattr(token, "pk", "-"),
            request.method,
            request.path,
        )
    return response
