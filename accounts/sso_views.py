"""The start of single sign-on: a person gives their work address and is sent to their
organisation's tenant (accounts/sso.py)."""

from __future__ import annotations

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import SignOnForm
from .models import SignOnTenant
from .sso import form_action_origins


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Work e-mail address in; off to the organisation's sign-in page (a POST, so that no
    other site can start a sign-in for someone)."""
    if request.user.is_authenticated:
        return redirect("boards:home")
    form = SignOnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tenant = SignOnTenant.objects.for_email(form.cleaned_data["email"]).first()
        if tenant is None:
            form.add_error(
                "email",
                forms.ValidationError(
                    "Your organisation does not sign in to the planner this way yet. "
                    "Sign in with your password instead."
                ),
            )
        else:
            provider = get_social_adapter(request).get_provider(request, tenant.slug)
            return provider.redirect_from_request(request)
    response = render(request, "accounts/sso_start.html", {"form": form, "next": request.GET.get("next", "")})
    # The form's answer redirects to the tenant: the browser applies form-action to it.
    origins = form_action_origins()
    if origins:
        # What django-csp's own csp_update decorator sets (with setattr) for its middleware
        # to read; HttpResponse's stub does not declare it.
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


@never_cache
def not_signed_in(request: HttpRequest, reason: str) -> HttpResponse:
    return render(
        request, "accounts/sso_refused.html", {"reason": reason}, status=200 if reason == "cancelled" else 400
    )
