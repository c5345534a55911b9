"""Structured logs (safeguarding/logging.py): JSON lines with a request id, which a Celery
task the request started carries into the worker's own log lines."""

from __future__ import annotations

import datetime
import io
import json
import logging

import pytest
import time_machine

from safeguarding.logging import JsonFormatter, RequestIdFilter, request_id


@pytest.mark.django_db
def test_each_response_carries_a_request_id_and_keeps_a_plain_incoming_one(client):
    made = client.get("/healthz/")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz/")["X-Request-ID"]
    assert (
        client.get("/healthz/", HTTP_X_REQUEST_ID="lb-0123456789abcdef")["X-Request-ID"]
        == "lb-0123456789abcdef"
    )
    # Anything that is not a short plain token is replaced, never written to the logs.
    forged = client.get("/healthz/", HTTP_X_REQUEST_ID="x\ninjected line")["X-Request-ID"]
    assert "\n" not in forged and len(forged) == 32


def test_json_lines_carry_time_level_logger_message_and_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tests.json_lines")
    logger.addHandler(handler)
    token = request_id.set("req-0123456789")
    try:
        with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, 5, tzinfo=datetime.UTC), tick=False):
            logger.warning("sign-in refused user=%s", "someone")
    finally:
        request_id.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["time"] == "2026-11-23T09:00:05.000Z"
    assert line["level"] == "WARNING" and line["logger"] == "tests.json_lines"
    assert line["message"] == "sign-in refused user=someone"
    assert line["request_id"] == "req-0123456789"
