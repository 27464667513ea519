"""What the database needs after a bulk load.

Query planners choose a plan from statistics of each table (row counts, common values): without
them PostgreSQL guesses, and its guess for a district of 360,000 residents turned the resident list
from under a millisecond into seven seconds (a nested loop over every place for every resident).
Autovacuum gathers them eventually, but not right after a load, and a restore brings no statistics
at all. Every path that writes many rows at once ends with :func:`refresh_planner_statistics`
(``seed_demo``; ``restore`` runs ``vacuumdb --analyze-only`` on the restored database)."""

from __future__ import annotations

from django.db import connections


def refresh_planner_statistics(using: str = "default") -> None:
    """``ANALYZE`` every table of the database (PostgreSQL: ``pg_statistic``; SQLite:
    ``sqlite_stat1``). Allowed inside a transaction on both."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
