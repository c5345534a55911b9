"""Display of the dates kept in a report's facts (ISO strings in JSON) as people write them."""

from __future__ import annotations

import datetime

from django import template

register = template.Library()


@register.filter
def day(value: str | None) -> str:
    """ "2025-11-18" → "18 November 2025"; anything else unchanged."""
    if not value:
        return ""
    try:
        parsed = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return f"{parsed.day} {parsed:%B %Y}"
