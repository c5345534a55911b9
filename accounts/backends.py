"""Sign in with an e-mail address or a username."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailOrUsernameBackend(ModelBackend):
    """Accept an e-mail address (any case) or a username in the username field.

    Runs after ``AxesStandaloneBackend``, so throttling counts failures whatever
    was typed. An address shared by two accounts signs in neither (it is
    ambiguous); invitations and the admin refuse to create such duplicates.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if not username or password is None:
            return None
        username = username.strip()
        if "@" in username:
            matches = list(user_model._default_manager.filter(email__iexact=username)[:2])
            if len(matches) == 1:
                return self._check(matches[0], password)
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            # Run the hasher once anyway, so that a missing account takes as long
            # as a wrong password (no enumeration by timing).
            user_model().set_password(password)
            return None
        return self._check(user, password)

    def _check(self, user, password: str):
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def account_key(user) -> str:
    """The name django-axes counts an account's failures under, whatever was typed."""
    return f"account:{user.pk}"


def axes_username(request: HttpRequest | None, credentials: dict | None = None) -> str | None:
    """What django-axes counts failures against: the ACCOUNT the identifier names, so that
    typing the username, the e-mail address or either in another case all count as one
    (no five more guesses by switching). An identifier that names no account is counted
    as typed (trimmed, lower-cased), the same way, so a lockout reveals nothing."""
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username") if request is not None else None
    if not isinstance(value, str):
        return value
    typed = value.strip()
    user_model = get_user_model()
    if "@" in typed:
        matches = list(
            user_model._default_manager.filter(email__iexact=typed).values_list("pk", flat=True)[:2]
        )
        if len(matches) == 1:
            return f"account:{matches[0]}"
    account = user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": typed}).first()
    return account_key(account) if account is not None else typed.lower()
