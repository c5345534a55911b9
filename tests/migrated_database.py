"""Put the test database back as ``migrate`` left it, by copying a PostgreSQL template.

Migration tests take the test database back to an older schema (or build it from empty
several times) and must leave it fully migrated for the tests after them. Running
``migrate`` again takes 30-110 s on this machine (Django renders the model state of every
migration). PostgreSQL copies a database from a template in about a second, so the first
migration test of a run takes a copy of the migrated test database, and each one after it
drops the test database and makes it again from that copy.

When the copy cannot be made or used (another session still connected, a database other
than PostgreSQL), it falls back to emptying the schema and running ``migrate``, as before.
"""

from __future__ import annotations

import logging

import psycopg
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from psycopg import sql

log = logging.getLogger(__name__)


def _admin_connection() -> psycopg.Connection:
    """A connection to the server's maintenance database: a database cannot be dropped or
    copied while anyone, ourselves included, is connected to it."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _fully_migrated() -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


class MigratedDatabase:
    """The test database's migrated state, kept as a template database for the run."""

    def __init__(self) -> None:
        self.template: str | None = None

    @property
    def name(self) -> str:
        return connection.settings_dict["NAME"]

    def snapshot(self) -> None:
        """Copy the test database, fully migrated, as the template to restore from."""
        if connection.vendor != "postgresql":
            return
        if not _fully_migrated():
            call_command("migrate", verbosity=0)
        template = f"{self.name}_migrated"
        connections.close_all()
        try:
            with _admin_connection() as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(template)))
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(template), sql.Identifier(self.name)
                    )
                )
        except psycopg.Error as error:  # someone else is connected: restore by migrating
            log.warning("No template of the migrated test database (%s); migrating instead", error)
            return
        self.template = template

    def restore(self) -> None:
        """Leave the test database as ``migrate`` leaves it, whatever the test did to it."""
        connections.close_all()
        if self.template is not None:
            try:
                with _admin_connection() as admin:
                    admin.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(self.name)))
            except psycopg.Error as error:  # someone is still connected: migrate it in place
                log.warning("Could not drop the test database to copy it back (%s); migrating", error)
            else:
                with _admin_connection() as admin:
                    admin.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(self.name), sql.Identifier(self.template)
                        )
                    )
                return
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        call_command("migrate", verbosity=0)

    def drop_template(self) -> None:
        if self.template is None:
            return
        connections.close_all()
        with _admin_connection() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.template)))
        self.template = None
