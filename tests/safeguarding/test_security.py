import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-2f9c81d7e6b54a03",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "ALLOWED_HOSTS": "planner.example.org",
        "SITE_URL": "https://planner.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")}
    env["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text and "style=" not in response.text
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_sign_in_and_failures_are_logged_without_passwords(client, caplog):
    UserFactory(username="maria", password="a long enough password")
    client.post(reverse("login"), {"username": "maria", "password": "wrong password given"})
    client.post(reverse("login"), {"username": "maria", "password": "a long enough password"})
    messages = [r.getMessage() for r in caplog.records if r.name == "safeguarding.security"]
    assert any(m.startswith("failed-sign-in username=maria") for m in messages)
    assert any(m.startswith("sign-in user=maria") for m in messages)
    assert not any("password" in m for m in messages)


@pytest.mark.django_db
def test_failed_sign_in_keeps_the_username_and_shows_the_error_summary(client):
    response = client.post(reverse("login"), {"username": "maria", "password": "nope"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'value="maria"' in response.text


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_out(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(username="maria", password="a long enough password")
    for _ in range(5):
        client.post(reverse("login"), {"username": "maria", "password": "wrong"}, REMOTE_ADDR="10.0.0.9")
    response = client.post(
        reverse("login"), {"username": "maria", "password": "a long enough password"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text


@pytest.mark.django_db
def test_sign_out_is_post_only_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("boards:home")).status_code == 302


@pytest.mark.django_db
def test_sessions_end_after_the_absolute_limit(client, settings):
    import time_machine

    settings.SESSION_ABSOLUTE_SECONDS = 60 * 60
    settings.SESSION_COOKIE_AGE = 10 * 60 * 60
    user = UserFactory()
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        client.force_login(user)
        assert client.get(reverse("boards:home")).status_code == 200
    with time_machine.travel("2026-11-23 10:30Z", tick=False):
        assert client.get(reverse("boards:home")).status_code == 302


def test_healthz(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_healthz_answers_plain_http_from_the_container_network(client, db, settings):
    """docker compose's health check: http://127.0.0.1:8000/healthz/ inside the container,
    with production's HTTPS redirect and host list on."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["planner.example.org"]
    response = client.get("/healthz/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    # Everything else still redirects to HTTPS and checks the host.
    assert client.get("/accounts/login/", HTTP_HOST="planner.example.org").status_code == 301
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_signed_in_pages_and_exports_are_never_stored(client, people):
    from tests.factories import BusinessPlanFactory

    plan = BusinessPlanFactory(board=people.board)
    client.force_login(people.member)
    for url in (reverse("boards:home"), plan.get_absolute_url(), f"/plans/{plan.pk}/export.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_every_response_carries_a_permissions_policy(client, db):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in policy


def test_the_production_server_sends_no_version_banner(tmp_path):
    """gunicorn (the production server, Dockerfile) names itself but no version."""
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-2f9c81d7e6b54a03",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "safeguarding.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=2
                ) as response:
                    headers = response.headers
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not any(ch.isdigit() for ch in headers.get("Server", "")), headers.get("Server")
    assert "Permissions-Policy" in headers
