"""The test world's ids are spread out before the demo is built: each of the project's tables
counts from its own multiple of 1,000,000, never from 1.

Two kinds of bug pass unseen while every table counts from 1 and every id stays small:
- ``a.id is b.id``: Python keeps one object per small integer (up to 256), so ``is`` behaves
  like ``==`` for the demo's ids and like ``!=`` for a real district's (mutation testing kept
  finding such comparisons surviving);
- an id of one table compared with or looked up as an id of another (a user's id taken for a
  person's): with every table counting from 1 the wrong row often exists and the test passes.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection

STEP = 1_000_000


def _project_tables() -> list[tuple[str, str]]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("community365.") or model._meta.proxy or not model._meta.managed:
            continue
        pk = model._meta.pk
        if pk is not None and pk.get_internal_type() in ("AutoField", "BigAutoField"):
            found.append((model._meta.db_table, pk.column))
    return sorted(set(found))


def spread() -> None:
    """Start each project table's ids at its own multiple of STEP (only ever moves them up)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for n, (table, column) in enumerate(_project_tables(), start=1):
            start = n * STEP
            if connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                if row is None:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start])
                elif row[0] < start:
                    cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start, table])
            else:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
                    f"GREATEST(%s, (SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)})))",
                    [table, column, start],
                )


def first_id(model) -> int:
    """Where ``model``'s ids start in the test world (for tests that check the spreading)."""
    tables = [t for t, _c in _project_tables()]
    return (tables.index(model._meta.db_table) + 1) * STEP
