"""Single sign-on with each organisation's Microsoft Entra ID tenant (OpenID Connect,
authorisation code flow with PKCE), through django-allauth's openid_connect provider.

Each SignOnTenant row is one allauth app (provider id = its slug), built here rather than
kept in allauth's SocialApp table, so that site staff configure tenants per partnership
in one place and secrets can stay in the environment.

Who gets in (SignOnAdapter.pre_social_login):
- the token must come from the tenant's own issuer, for our client id, unexpired
  (allauth checks iss, aud and exp; the state is single-use, so a replayed answer fails);
- the address must be verified by the tenant (``email_verified``, or Entra's ``xms_edov``)
  and in one of the tenant's e-mail domains: Entra lets a tenant's administrators put any
  address on a user ("nOAuth"), so an unverified or foreign address is never trusted;
- it then signs in the account already linked to this tenant's subject, or links the one
  account with that address, or makes an account for a pending invitation to it. Anyone
  else is refused with a page saying why. Signing in never adds a board membership: an
  invitee still accepts the invitation from its link.
"""

from __future__ import annotations

import logging
from typing import NoReturn
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from . import two_factor
from .invitations import username_for
from .models import Invitation, SignOnTenant

security_log = logging.getLogger("safeguarding.security")

PROVIDER = "openid_connect"
PASSWORD_BACKEND = "accounts.backends.EmailOrUsernameBackend"


def app_for(tenant: SignOnTenant) -> SocialApp:
    """The allauth app for a tenant (not saved: allauth reads it like one from settings)."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=tenant.slug,
        name=tenant.name,
        client_id=tenant.client_id,
        secret=tenant.secret(),
        settings={
            "server_url": tenant.discovery(),
            "oauth_pkce_enabled": True,
            # The issuer checked in every token is the one staff configured, not whatever
            # the discovery document says.
            "openid_configuration_overrides": {"issuer": tenant.issuer},
            "fetch_userinfo": True,
        },
    )


def form_action_origins() -> list[str]:
    """Origins the sign-in form's redirect may go to (Content-Security-Policy form-action)."""
    origins = set()
    for tenant in SignOnTenant.objects.enabled():
        for url in (tenant.issuer, tenant.discovery()):
            parts = urlsplit(url)
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def verified_email(claims: dict) -> tuple[str, bool]:
    email = str(claims.get("email") or "").strip().lower()
    verified = claims.get("email_verified") in (True, "true") or claims.get("xms_edov") in (
        True,
        "true",
        "1",
        1,
    )
    return email, verified


def _claims(sociallogin: SocialLogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def pending_invitation_exists(email: str) -> bool:
    return Invitation.objects.pending().filter(email=email, expires_at__gt=timezone.now()).exists()


def refuse(
    request: HttpRequest, reason: str, tenant: SignOnTenant | None = None, email: str = "", status: int = 403
) -> NoReturn:
    security_log.warning(
        "sso-refused reason=%s tenant=%s email=%s", reason, tenant.slug if tenant else "-", email or "-"
    )
    response = render(
        request,
        "accounts/sso_refused.html",
        {"reason": reason, "tenant": tenant, "email": email},
        status=status,
    )
    raise ImmediateHttpResponse(response)


class SignOnAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        tenants = SignOnTenant.objects.enabled()
        if provider and provider != PROVIDER:
            tenants = tenants.filter(slug=provider)
        if client_id:
            tenants = tenants.filter(client_id=client_id)
        return [app_for(tenant) for tenant in tenants]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        tenant = SignOnTenant.objects.enabled().filter(slug=sociallogin.account.provider).first()
        if tenant is None:
            refuse(request, "tenant")
        email, verified = verified_email(_claims(sociallogin))
        if not email or not verified:
            refuse(request, "unverified", tenant, email)
        if email.rsplit("@", 1)[-1] not in tenant.domains:
            refuse(request, "domain", tenant, email)
        # For AccountAdapter.login, once allauth signs them in: allauth hands it the same
        # request object. HttpRequest takes any attribute; its stub declares only Django's.
        request.sso_tenant = tenant.slug  # type: ignore[attr-defined]
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                refuse(request, "inactive", tenant, email)
            return
        users = list(get_user_model()._default_manager.filter(email__iexact=email)[:2])
        if len(users) > 1:
            refuse(request, "ambiguous", tenant, email)
        if users:
            if not users[0].is_active:
                refuse(request, "inactive", tenant, email)
            # The same person: the tenant verified the address the account signs in with.
            sociallogin.connect(request, users[0])
            security_log.info("sso-linked user=%s tenant=%s", users[0].get_username(), tenant.slug)
            return
        if not pending_invitation_exists(email):
            refuse(request, "no_invitation", tenant, email)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        email, verified = verified_email(_claims(sociallogin))
        return verified and pending_invitation_exists(email)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        email = (user.email or "").strip().lower()
        user.email = email
        user.username = username_for(email)
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        tenant = SignOnTenant.objects.filter(
            slug=getattr(getattr(provider, "app", None), "provider_id", "")
        ).first()
        security_log.warning(
            "sso-failed tenant=%s error=%s exception=%s",
            tenant.slug if tenant else "-",
            error,
            type(exception).__name__ if exception else "-",
        )
        reason = "cancelled" if str(error) == "cancelled" else "failed"
        refuse(request, reason, tenant, status=400 if reason == "failed" else 200)


class AccountAdapter(DefaultAccountAdapter):
    """allauth is used only for single sign-on: nobody signs up through it, and the
    session it makes uses the site's own backend (the first backend, django-axes's,
    cannot load a user)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def login(self, request: HttpRequest, user) -> None:
        user.backend = PASSWORD_BACKEND
        super().login(request, user)
        request.session[two_factor.SSO_SESSION_KEY] = getattr(request, "sso_tenant", "yes")
        security_log.info("sso-sign-in user=%s", user.get_username())
