"""Personal access tokens in the Authorization header: ``Authorization: Bearer sbp_…``.

Only the SHA-256 of a secret is stored, so a lookup hashes what was sent and finds the
token by its hash (a unique index). Refusals are logged without the secret.
"""

from __future__ import annotations

import datetime
import logging

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX, ApiToken, hash_secret

security_log = logging.getLogger("safeguarding.security")

# last_used_at is written at most this often per token: one UPDATE a minute, not one a request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class PersonalAccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token after “Bearer ”, with no spaces in it.")
        try:
            secret = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That is not a valid token.") from None
        return self.authenticate_secret(secret, request)

    def authenticate_secret(self, secret: str, request) -> tuple[object, ApiToken]:
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_secret(secret), user__is_active=True)
            .first()
        )
        if token is None or not token.is_active(now):
            state = "unknown" if token is None else token.state.lower()
            security_log.warning(
                "api-token-refused state=%s looks_like_token=%s path=%s",
                state,
                secret.startswith(TOKEN_PREFIX),
                request.path,
            )
            raise exceptions.AuthenticationFailed(
                "The token is not valid: it is unknown, revoked or expired."
            )
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
            # A conditional update: two requests at the same moment write once.
            ApiToken.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION), pk=token.pk
            ).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token to drf-spectacular, so the schema and Swagger UI know it."""

    target_class = PersonalAccessTokenAuthentication
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token, made on the API access page (Authorization: Bearer sbp_…).",
        }
