"""Real servers for fault tests: gunicorn with the production settings on the test
database, and a private redis-server, each on a free loopback port and stopped after.
Never the machine's shared PostgreSQL or Redis processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-2f9c81d7e6b54a03",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SITE_URL": "http://127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "AXES_ENABLED": "false",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, cookies: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, str]:
    """(status, body) of a GET; error statuses are returned, not raised."""
    request = urllib.request.Request(url)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextmanager
def running_gunicorn(
    database_url: str, workers: int = 2, log_file: Path | None = None, **env: str
) -> Iterator[str]:
    """gunicorn with the production settings; yields its base URL. With ``log_file`` its
    log (the app's too) is written there for the test to read, instead of to a pipe."""
    port = free_port()
    log = open(log_file, "w") if log_file else None  # noqa: SIM115 (closed after the server stops)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "safeguarding.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **PRODUCTION_ENV,
            "DATABASE_URL": database_url,
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(f"{url}/healthz/", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = log_file.read_text() if log_file else process.stderr.read()
                    raise RuntimeError(f"gunicorn did not start:\n{output}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker stuck on a busy machine: stop it hard
            process.kill()
            process.wait(timeout=10)
        if log is not None:
            log.close()


@contextmanager
def private_redis() -> Iterator[tuple[str, subprocess.Popen]]:
    """A redis-server of the test's own; yields its URL and process (stop it to cut Redis)."""
    port = free_port()
    process = start_redis(port)
    try:
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")
