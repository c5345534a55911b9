"""The one way e-mail leaves the application: subject, text and HTML templates."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(template_prefix: str, to: list[str], context: dict) -> None:
    """Render ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html`` and send them.

    Links in e-mails are absolute, built from ``settings.SITE_URL`` (passed to
    every template as ``site_url``), never from the request's Host header.
    """
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    text_body = render_to_string(f"{template_prefix}.txt", context)
    html_body = render_to_string(f"{template_prefix}.html", context)
    message = EmailMultiAlternatives(subject, text_body, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html_body, "text/html")
    message.send()
