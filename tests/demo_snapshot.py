"""The demo district is built once per test session and kept as a snapshot, so that a test that
needs it after a transactional test (which flushes the database when it ends) gets it back by
copying, not by building it again through the services.

- SQLite: the test database is a file; the snapshot is a second file written with SQLite's online
  backup API, and restoring copies it back into the open connection the same way.
- PostgreSQL: the snapshot is a copy of every table in a schema of its own; restoring truncates
  the tables and copies the rows back in one transaction, with triggers (foreign-key checks, the
  audit trail's guard) off for that session only, then resets the sequences.

A transactional test ends by putting the demo back at once (``restore_instead_of_flush``), not by
emptying the database for the next test to refill: on PostgreSQL a flush (truncate every table,
then recreate the content types and permissions) cost 0.9 s and the restore after it 2.9 s, for
each of some forty transactional tests; the restore alone replaces both.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from tests import ids

SCHEMA = "demo_snapshot"


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _sqlite_snapshot_path() -> Path:
    return Path(str(connection.settings_dict["NAME"]) + ".demo-snapshot")


def take() -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(_sqlite_snapshot_path())
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in _tables():
            cursor.execute(f"CREATE TABLE {SCHEMA}.{quote(table)} AS TABLE public.{quote(table)}")


def is_present() -> bool:
    """The demo is in place unless a flush emptied the database (one indexed lookup)."""
    from community365.people.models import User

    return User.objects.filter(username="admin_district").exists()


def restore() -> None:
    """Put the demo back exactly as it was built, after a transactional test's flush."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(_sqlite_snapshot_path())
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    quote = connection.ops.quote_name
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        # Session-local: no trigger fires (foreign keys are checked by the copy being whole).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("TRUNCATE " + ", ".join(f"public.{quote(t)}" for t in tables))
        for table in tables:
            # Table names are the models' own, quoted; nothing here comes from input.
            cursor.execute(f"INSERT INTO public.{quote(table)} SELECT * FROM {SCHEMA}.{quote(table)}")  # noqa: S608
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    # the reset above sets an empty table's sequence back to 1: spread the ids again (tests/ids.py)
    ids.spread()


def discard() -> None:
    """SQLite's snapshot file goes with the test database (PostgreSQL's goes with its database)."""
    if connection.vendor == "sqlite":
        _sqlite_snapshot_path().unlink(missing_ok=True)


def restore_instead_of_flush() -> None:
    """Transactional tests (live server, threads) end with the demo restored instead of an empty
    database: Django's ``TransactionTestCase`` flushes every table when such a test ends; the
    restore replaces every table's rows with the snapshot's (``restore`` above, per database
    kind). Installed once per test session, after the snapshot is taken; the suite has one
    database."""
    from django.test import TransactionTestCase

    def _fixture_teardown(self: TransactionTestCase) -> None:
        restore()

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


def ensure() -> None:
    if not is_present():
        restore()
