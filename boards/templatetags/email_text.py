"""Names people choose, made safe to put in an e-mail."""

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def plain_name(value: object) -> str:
    """One line (no line breaks a name could smuggle into a subject or body) and at most
    EMAIL_NAME_MAX_CHARS characters."""
    limit = settings.EMAIL_NAME_MAX_CHARS
    text = " ".join(str(value or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
