"""Board pack PDFs in an S3-compatible bucket (FILE_STORAGE=s3, django-storages), against a
real S3 server on loopback (tests/s3_server.py): stored there by the pack's maker, and
downloaded only through the view that checks membership."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import uuid

import boto3
import pytest
import time_machine
from django.urls import reverse

from packs.generation import request_pack
from packs.models import BoardPack
from tests.packs.conftest import FAKE_PDF, TODAY
from tests.packs.factories import make_pack_plan
from tests.s3_server import running_s3_server

pytestmark = pytest.mark.django_db

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "eu-west-2"}


@pytest.fixture(scope="module")
def s3_endpoint():
    with running_s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh private bucket, made the default storage as FILE_STORAGE=s3 would."""
    name = f"packs-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, **CREDENTIALS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-2",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return client, name


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC), tick=False):
        yield


def test_a_pack_pdf_is_stored_in_the_bucket_and_downloaded_through_the_view(
    client, people, q2, fake_renderer, bucket
):
    s3, name = bucket
    make_pack_plan(people.board)
    pack, created = request_pack(people.board, q2, people.manager, today=TODAY)
    pack.refresh_from_db()
    assert created and pack.status == "done"
    stored = s3.get_object(Bucket=name, Key=pack.pdf.name)["Body"].read()
    assert stored == FAKE_PDF.content
    assert not pack.file_is_missing

    url = reverse("packs:download", args=[pack.pk])
    client.force_login(people.member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF.content
    assert response["Cache-Control"] == "private, no-store"

    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_a_pack_whose_object_is_gone_is_missing_and_not_served(client, people, q2, fake_renderer, bucket):
    s3, name = bucket
    make_pack_plan(people.board)
    pack, _ = request_pack(people.board, q2, people.manager, today=TODAY)
    pack.refresh_from_db()
    s3.delete_object(Bucket=name, Key=pack.pdf.name)
    pack = BoardPack.objects.get(pk=pack.pk)
    assert pack.file_is_missing
    client.force_login(people.member)
    assert client.get(reverse("packs:download", args=[pack.pk])).status_code == 404


def test_file_storage_is_chosen_by_environment():
    """FILE_STORAGE=s3 with a bucket selects django-storages; the default is the filesystem;
    anything else refuses to start."""
    script = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FILE_STORAGE", "S3_"))}
    base["DJANGO_SETTINGS_MODULE"] = "safeguarding.settings"

    def backend(**env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", script], env={**base, **env}, capture_output=True, text=True
        )

    assert backend().stdout.strip() == "django.core.files.storage.FileSystemStorage"
    assert backend(FILE_STORAGE="s3", S3_BUCKET="packs").stdout.strip() == "storages.backends.s3.S3Storage"
    refused = backend(FILE_STORAGE="ftp")
    assert refused.returncode != 0 and "FILE_STORAGE must be" in refused.stderr
