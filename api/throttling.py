"""A rate limit per token (DRF throttling), counted in Redis so every web process shares it.

If Redis does not answer, requests go on unthrottled (and it is logged): the site's rule is
that pages and edits keep working while Redis is down, and the API is no different.
"""

from __future__ import annotations

import logging

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

log = logging.getLogger(__name__)


class PerTokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    @property
    def cache(self):
        return caches["api"]

    def get_cache_key(self, request, view) -> str | None:
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "pk"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache failure: redis-py's errors are not Django's
            log.warning("api-throttle-unavailable: the rate-limit cache did not answer; request allowed")
            return True
