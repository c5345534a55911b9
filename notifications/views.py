from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from boards.emails import absolute_url
from safeguarding.request_types import AuthenticatedHttpRequest

from . import feeds
from .forms import NotificationPreferenceForm
from .models import CalendarFeedToken, Notification, NotificationPreference, hash_feed_token
from .unread import refresh_unread_count


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's reminders, newest first, 50 to a page."""
    page = Paginator(Notification.objects.filter(user=request.user).select_related("board"), 50).get_page(
        request.GET.get("page")
    )
    # Opening the list refreshes the header's count (see notifications.unread).
    unread = refresh_unread_count(request, request.user)
    return render(request, "notifications/notification_list.html", {"page": page, "unread": unread})


@login_required
@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
    refresh_unread_count(request, request.user)
    messages.success(request, "All notifications marked as read.")
    return redirect("notifications:list")


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Defaults (everything on) until the user first saves: a GET writes nothing.
    preference = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(
        user=request.user
    )
    form = NotificationPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your reminder preferences are saved.")
        return redirect("notifications:preferences")
    feed_token = CalendarFeedToken.objects.active().filter(user=request.user).first()
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "feed_token": feed_token, "new_feed_url": request.session.pop("new_feed_url", None)},
    )


@login_required
@require_POST
def calendar_feed_new(request: HttpRequest) -> HttpResponse:
    """Make a new secret feed address (revoking the old one) and show it once."""
    _, token = CalendarFeedToken.issue(request.user)
    request.session["new_feed_url"] = absolute_url(reverse("notifications:calendar", kwargs={"token": token}))
    messages.success(request, "Your new calendar address is below. Any old address no longer works.")
    return redirect("notifications:preferences")


@login_required
@require_POST
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    revoked = CalendarFeedToken.objects.active().filter(user=request.user).update(revoked_at=timezone.now())
    if revoked:
        messages.success(request, "Your calendar address is turned off.")
    return redirect("notifications:preferences")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: the secret token in the URL is the only credential (calendar apps
    cannot sign in). Unknown or revoked tokens get 404."""
    feed_token = (
        CalendarFeedToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_feed_token(token), user__is_active=True)
        .first()
    )
    if feed_token is None:
        raise Http404("No such calendar")
    response = HttpResponse(feeds.feed(feed_token.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="actions.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
