"""make backup / make restore: a backup restored into a fresh database and media folder
holds the same plans, history and packs (with their PDFs)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.db import connection

from packs import generation
from packs.generation import request_pack
from packs.models import BoardPack
from packs.periods import quarter_containing
from packs.rendering import RenderedPdf
from plans.models import BusinessPlan
from tests.celery_worker import test_database_url as database_url
from tests.packs.factories import make_pack_plan

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def run_backup_tool(*args: str, database: str, media: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database, "MEDIA_ROOT": str(media)}
    result = subprocess.run(
        [sys.executable, "-m", "safeguarding.backup", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def counts(cursor) -> dict[str, int]:
    tables = ["plans_businessplan", "plans_action", "plans_historicalaction", "packs_boardpack"]
    found = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {table}")
        found[table] = cursor.fetchone()[0]
    return found


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin_url = database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url().rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_same_plans_history_and_packs(
    people, settings, tmp_path, fresh_database, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    action = make_pack_plan(people.board).red
    plan = action.objective.priority_area.plan
    action.description = "Changed, so the history has a second row"
    action.save()
    monkeypatch.setattr(generation, "dispatch", lambda pack: generation.make_pack(pack.pk))
    monkeypatch.setattr(generation, "dispatch_annex", lambda pack_id: generation.make_annex(pack_id) or True)
    with mock.patch.object(generation, "write_pdf", return_value=RenderedPdf(b"%PDF-1.7 the pack", 3)):
        pack, _ = request_pack(people.board, quarter_containing(datetime.date(2026, 8, 1)), people.member)
    pack.refresh_from_db()
    assert pack.pdf and pack.annex_pdf and pack.status == "done"

    backups = tmp_path / "backups"
    run_backup_tool("backup", "--to", str(backups), database=database_url(), media=settings.MEDIA_ROOT)
    [folder] = backups.iterdir()
    restored_media = tmp_path / "restored-media"
    run_backup_tool("restore", str(folder), database=fresh_database, media=restored_media)

    with connection.cursor() as cursor:
        before = counts(cursor)
    with psycopg.connect(fresh_database) as restored:
        after = counts(restored.cursor())
        title = restored.execute("SELECT title FROM plans_businessplan WHERE id = %s", [plan.pk]).fetchone()
        pdf_name = restored.execute(
            "SELECT pdf, annex_pdf FROM packs_boardpack WHERE id = %s", [pack.pk]
        ).fetchone()
    assert after == before and before["plans_historicalaction"] > before["plans_action"]
    assert title == (BusinessPlan.objects.get(pk=plan.pk).title,)
    assert (restored_media / pdf_name[0]).read_bytes() == b"%PDF-1.7 the pack"
    assert (restored_media / pdf_name[1]).read_bytes() == b"%PDF-1.7 the pack"  # and its full-plan annex
    assert BoardPack.objects.count() == after["packs_boardpack"] == 1


def test_restoring_a_folder_without_a_backup_is_a_clear_error(tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "safeguarding.backup", "restore", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "holds no database backup" in result.stderr
