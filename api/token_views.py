"""Pages where a signed-in user makes, lists and revokes their personal access tokens.

The secret is shown once, in the response to the POST that made it (never stored, put in
the session or in a URL); pages served to a signed-in user are never cached
(``Cache-Control: no-store``, safeguarding.middleware).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safeguarding.request_types import AuthenticatedHttpRequest

from .forms import LIFETIMES, TokenForm
from .models import ApiToken

security_log = logging.getLogger("safeguarding.security")


@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(user=request.user).prefetch_related("boards"))
    now = timezone.now()
    return render(
        request,
        "api/token_list.html",
        {
            "active": [t for t in tokens if t.is_active(now)],
            "ended": [t for t in tokens if not t.is_active(now)],
            "docs_url": request.build_absolute_uri(reverse("api:docs")),
        },
    )


@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            token, secret = ApiToken.issue(
                request.user,
                name=data["name"],
                boards=list(data["boards"]),
                access=data["access"],
                lifetime=LIFETIMES[data["lifetime"]],
            )
        security_log.info(
            "api-token-created user=%s token=%s access=%s boards=%s expires=%s",
            request.user.get_username(),
            token.pk,
            token.access,
            ",".join(b.slug for b in data["boards"]),
            token.expires_at.isoformat(),
        )
        return render(
            request,
            "api/token_created.html",
            {
                "token": token,
                "secret": secret,
                "boards": list(data["boards"]),
                "feeds": [
                    {
                        "board": board,
                        "url": request.build_absolute_uri(reverse("api:feed_csv", args=[board.slug])),
                    }
                    for board in data["boards"]
                ],
                "docs_url": request.build_absolute_uri(reverse("api:docs")),
            },
        )
    return render(request, "api/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Ownership is part of the query: another user's token answers 404.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        security_log.info("api-token-revoked user=%s token=%s", request.user.get_username(), token.pk)
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api:tokens")
