"""Back up and restore everything the planner keeps: the database and the stored files.

    python -m safeguarding.backup backup  [--to backups/]      # make backup
    python -m safeguarding.backup restore backups/<stamp>/     # make restore FROM=...

A backup is a folder named for its time (UTC) holding:
- ``database.dump``: pg_dump's custom format (PostgreSQL), restored with pg_restore;
  or ``database.sqlite3``: SQLite's online backup (the `make run` default);
- ``media.tar.gz``: MEDIA_ROOT (board pack PDFs and other stored files).

Restore replaces the database named by DATABASE_URL (pg_restore --clean --if-exists)
and unpacks the files into MEDIA_ROOT. Run it with the web and worker stopped.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

DUMP = "database.dump"
SQLITE = "database.sqlite3"
MEDIA = "media.tar.gz"


def _database() -> dict:
    from django.conf import settings

    return settings.DATABASES["default"]


def _pg_env(db: dict) -> dict[str, str]:
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def backup(to: Path) -> Path:
    """Write a new backup folder under ``to`` and return it."""
    from django.conf import settings

    folder = to / datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True)
    db = _database()
    if db["ENGINE"] == "django.db.backends.postgresql":
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={folder / DUMP}", db["NAME"]],
            env=_pg_env(db),
            check=True,
        )
    elif db["ENGINE"] == "django.db.backends.sqlite3":
        with sqlite3.connect(db["NAME"]) as source, sqlite3.connect(folder / SQLITE) as target:
            source.backup(target)  # consistent even while the site is writing
    else:
        raise SystemExit(f"Cannot back up a {db['ENGINE']} database.")
    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        if media_root.exists():
            archive.add(media_root, arcname=".")
    return folder


def restore(folder: Path) -> None:
    """Replace the database and the stored files with those of a backup folder."""
    from django.conf import settings

    db = _database()
    if (folder / DUMP).exists():
        if db["ENGINE"] != "django.db.backends.postgresql":
            raise SystemExit("This backup is of a PostgreSQL database: set DATABASE_URL to one.")
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={db['NAME']}",
                str(folder / DUMP),
            ],
            env=_pg_env(db),
            check=True,
        )
    elif (folder / SQLITE).exists():
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise SystemExit("This backup is of a SQLite database: set DATABASE_URL to a SQLite file.")
        shutil.copyfile(folder / SQLITE, db["NAME"])
    else:
        raise SystemExit(f"{folder} holds no database backup ({DUMP} or {SQLITE}).")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA) as archive:
        archive.extractall(media_root, filter="data")  # no absolute paths, no links out


def main(argv: list[str] | None = None) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
    django.setup()
    parser = argparse.ArgumentParser(prog="python -m safeguarding.backup", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write a new backup folder")
    make.add_argument("--to", type=Path, default=Path("backups"))
    undo = commands.add_parser("restore", help="restore a backup folder")
    undo.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "backup":
        print(f"Backed up to {backup(args.to)}")
    else:
        restore(args.folder)
        print(f"Restored from {args.folder}")


if __name__ == "__main__":
    main(sys.argv[1:])
