from django import template

from ..unread import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """The header's badge (see notifications.unread: no query on most pages)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return unread_count(request)
