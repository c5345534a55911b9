"""The one way e-mail leaves the application: subject, text and HTML templates.

The subject and the text body are plain text, so they are rendered with autoescaping
off (a board called "Children's Trust" must not arrive as "Children&#x27;s Trust");
only the HTML body is escaped. Names people choose (their own, a board's) go through
the ``plain_name`` filter (boards/templatetags/email_text.py): one line, at most
EMAIL_NAME_MAX_CHARS characters.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.backends.django import Template as DjangoBackendTemplate
from django.template.loader import get_template, render_to_string

# A subject longer than this is cut: mail clients show about 60 characters anyway.
SUBJECT_MAX_CHARS = 200


def absolute_url(path: str) -> str:
    """A link for an e-mail: the site's address (SITE_URL) and a path on it, never the
    request's Host header."""
    return settings.SITE_URL + path


def render_plain(template_name: str, context: dict[str, Any]) -> str:
    """Render a plain-text template (a subject or a text body) without HTML escaping."""
    # The Django engine's own Template (settings.TEMPLATES has only that engine), whose
    # render takes a Context and so the autoescape flag.
    template = cast(DjangoBackendTemplate, get_template(template_name)).template
    return template.render(Context(context, autoescape=False))


def render_email(template_prefix: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html``.
    The subject is folded onto one line and cut to SUBJECT_MAX_CHARS."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_plain(f"{template_prefix}_subject.txt", context).split())
    if len(subject) > SUBJECT_MAX_CHARS:
        subject = subject[: SUBJECT_MAX_CHARS - 1].rstrip() + "…"
    text = render_plain(f"{template_prefix}.txt", context)
    html = render_to_string(f"{template_prefix}.html", context)
    return subject, text, html


def send_templated_email(template_prefix: str, to: list[str], context: dict[str, Any]) -> None:
    """Send one multipart e-mail (plain text with an HTML alternative). SMTP errors
    propagate: the caller decides whether to retry."""
    subject, text, html = render_email(template_prefix, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()
