"""E-mail subjects and text bodies are plain text; names people choose are one short line."""

import pytest
from django.core import mail

from boards.emails import SUBJECT_MAX_CHARS, render_email, send_templated_email
from tests.factories import BoardFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_apostrophe_in_a_board_name_is_not_escaped_in_the_subject_or_text(settings):
    board = BoardFactory(name="Children's Trust & Partners", short_name="CT")
    subject, text, html = render_email(
        "notifications/email/digest",
        {"board": board, "recipient": UserFactory(first_name="O'Neil"), "sections": [], "more": 0},
    )
    assert "Children's Trust & Partners" in subject and "&#x27;" not in subject and "&amp;" not in subject
    assert "Children's Trust & Partners" in text and "&#x27;" not in text
    assert "Children&#x27;s Trust &amp; Partners" in html  # the HTML body is still escaped


def test_a_chosen_name_is_one_line_and_cut_to_the_limit(settings):
    settings.EMAIL_NAME_MAX_CHARS = 20
    board = BoardFactory(
        name="A board\r\nBcc: victim@example.org with a very long name indeed", short_name="AB"
    )
    subject, text, _ = render_email(
        "notifications/email/digest", {"board": board, "recipient": UserFactory(), "sections": [], "more": 0}
    )
    assert "\n" not in subject and "\r" not in subject
    assert "A board Bcc: victim…" in subject and "very long" not in subject
    assert "very long" not in text


def test_a_very_long_subject_is_cut(settings):
    settings.EMAIL_NAME_MAX_CHARS = 1000
    board = BoardFactory(name="N" * 200, short_name="S" * 20)
    send_templated_email(
        "notifications/email/digest",
        ["someone@example.org"],
        {"board": board, "recipient": UserFactory(), "sections": [], "more": 0},
    )
    [message] = mail.outbox
    assert len(message.subject) == SUBJECT_MAX_CHARS and message.subject.endswith("…")
