"""Shared by the worker tests: an aiosmtpd handler that keeps what it accepts, and a job runner."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from celery.result import AsyncResult
from django.utils import timezone

from notifications.tasks import run_job


class Mailbox:
    """aiosmtpd handler: keeps what it accepts. ``hold`` keeps a session waiting at RCPT
    (before any message is accepted) so a test can kill the sender mid-send;
    ``refuse`` answers the next n messages with a temporary failure."""

    def __init__(self) -> None:
        self.messages: list = []
        self.hold = threading.Event()
        self.held = threading.Event()
        self.refuse = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd hook)
        while self.hold.is_set():
            self.held.set()
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self) -> list[str]:
        return sorted(address.addr_spec for m in self.messages for address in m["To"].addresses)

    def body_for(self, address: str) -> str:
        [message] = [m for m in self.messages if address in str(m["To"])]
        return message.get_body(preferencelist=("plain",)).get_content()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(job: str = "overdue") -> list[str]:
    """Fan the job out on the worker and wait for every per-recipient task to finish."""
    task_ids = run_job.delay(job, timezone.localdate().isoformat()).get(timeout=30)
    return [AsyncResult(task_id).get(timeout=60) for task_id in task_ids]
