"""The squashed migrations (boards and plans 0001-0003, issue 18 point 10) build the same
database as the migrations they replace.

Three databases are built in turn in the test database, each from an empty schema, and
their PostgreSQL schemas compared (every table's columns with type, nullability, default
and identity; every constraint's definition; every index's definition):

- fresh: ``migrate`` on an empty database, which takes the squashed migrations;
- from before the squash: the original migrations up to the two merge migrations (boards
  0003 and plans 0003, run by a loader that ignores ``replaces``, as an installation made
  before the squash has them), then today's ``migrate``;
- an installation up to date before the squash: every original migration applied, then
  today's ``migrate``, which has nothing left to do.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

pytestmark = pytest.mark.django_db(transaction=True)

SQUASHED = [("boards", "0001_squashed_0003"), ("plans", "0001_squashed_0003")]
MERGES = [
    ("boards", "0003_merge_0002_framework_of_cooperation_0002_invitation"),
    ("plans", "0003_merge_20261123_0939"),
]

SCHEMA_QUERIES = {
    "columns": """
        SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision,
               is_nullable, column_default, is_identity
        FROM information_schema.columns WHERE table_schema = 'public'
    """,
    "constraints": """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public'
    """,
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
}


def schema() -> dict[str, set[tuple]]:
    with connection.cursor() as cursor:
        result = {}
        for part, query in SCHEMA_QUERIES.items():
            cursor.execute(query)
            result[part] = set(cursor.fetchall())
    return result


def empty_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def migrate_without_the_squash(targets: list[tuple[str, str]] | None = None) -> None:
    """Apply the original migrations, as an installation made before the squash did."""
    executor = MigrationExecutor(connection)
    executor.loader = MigrationLoader(connection, replace_migrations=False)
    # Without replacements the squashed migrations are nodes of their own, and leaves.
    targets = targets or [node for node in executor.loader.graph.leaf_nodes() if node not in SQUASHED]
    plan = executor.migration_plan(targets, clean_start=True)
    assert not {migration.name for migration, _ in plan} & {name for _, name in SQUASHED}
    executor.migrate(targets, plan=plan)


def applied() -> set[tuple[str, str]]:
    return set(MigrationLoader(connection).applied_migrations)


def differences(first: dict[str, set[tuple]], second: dict[str, set[tuple]]) -> str:
    lines = []
    for part in first:
        lines += [f"only in the first, {part}: {row}" for row in sorted(first[part] - second[part], key=str)]
        lines += [f"only in the second, {part}: {row}" for row in sorted(second[part] - first[part], key=str)]
    return "\n".join(lines)


def test_fresh_and_pre_squash_databases_reach_the_same_schema(restore_migrated_database):
    empty_database()
    plan = MigrationExecutor(connection).migration_plan(MigrationLoader(connection).graph.leaf_nodes())
    planned = {(migration.app_label, migration.name) for migration, _ in plan}
    assert set(SQUASHED) <= planned and not set(MERGES) & planned, "a fresh database takes the squash"
    call_command("migrate", verbosity=0)
    fresh = schema()
    assert set(SQUASHED) <= applied()
    assert {"boards_board", "boards_framework", "plans_action", "boards_invitation"} <= {
        row[0] for row in fresh["columns"]
    }

    empty_database()
    migrate_without_the_squash(MERGES)
    assert set(MERGES) <= applied()
    call_command("migrate", verbosity=0)
    from_the_merges = schema()
    assert from_the_merges == fresh, differences(fresh, from_the_merges)
    assert set(SQUASHED) <= applied(), "the squash is recorded once its originals are all applied"

    empty_database()
    migrate_without_the_squash()
    before_the_squash = schema()
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == [], "nothing left to do"
    call_command("migrate", verbosity=0)
    assert schema() == before_the_squash == fresh, differences(fresh, before_the_squash)
