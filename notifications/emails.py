"""The one helper every e-mail goes through: three templates (subject, text, HTML)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address (SITE_URL) and a path on it."""
    return settings.SITE_URL + path


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render ``notifications/email/<template>_subject.txt``, ``<template>.txt`` and
    ``<template>.html``; the subject is folded onto one line."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"notifications/email/{template}_subject.txt", context).split())
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    return subject, text, html


def send_email(template: str, context: dict[str, Any], to: list[str]) -> None:
    """Send one multipart e-mail (plain text with an HTML alternative). SMTP errors propagate:
    the caller decides whether to retry."""
    subject, text, html = render_email(template, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()
