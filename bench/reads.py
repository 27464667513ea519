"""Benchmarks of the platform's hot reads, each printed as a ratio against a
baseline measured in the same run on the same database (so the numbers compare across
machines). SQLite by default (var/bench.sqlite3, rebuilt each run); PostgreSQL when
DATABASE_URL is set (use a database of its own: it is migrated and seeded).

Environment: BENCH_SCALE (demo --scale, default 3), BENCH_REPEAT (default 30).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
if not os.environ.get("DATABASE_URL"):
    bench_db = ROOT / "var" / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{bench_db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{bench_db}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    scale = int(os.environ.get("BENCH_SCALE", "3"))
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    call_command("migrate", verbosity=0)
    from community365.demo.generator import build_demo
    from community365.people.models import Person, User
    from community365.people.selectors import person_rows, person_search
    from community365.regions.models import Region
    from community365.regions.selectors import children_of, counts_under

    started = time.perf_counter()
    build_demo(scale=scale)
    seeded = time.perf_counter() - started
    admin = User.objects.get(username="admin_district")
    worker = User.objects.get(username="worker_huachuan")
    district = Region.objects.get(kind="district")
    subdistricts = children_of(admin, district)
    persons = Person.objects.count()
    print(f"database: {connection.vendor}; demo scale {scale}: {persons} residents, seeded in {seeded:.1f}s")

    baseline = timed(lambda: Person.objects.count(), repeat)
    cases = {
        "resident count in a worker's scope": lambda: person_search(worker).count(),
        "resident search page (25 rows, masked)": lambda: person_rows(
            admin, list(person_search(admin, "王")[:25])
        ),
        "district counts by subdistrict (3 grouped queries)": lambda: counts_under(admin, subdistricts),
        "one subdistrict's counts by community": lambda: counts_under(
            admin, children_of(admin, subdistricts[0])
        ),
    }
    print(f"{'benchmark':<55} {'median ms':>10} {'× baseline':>11}")
    print(f"{'baseline: count all residents':<55} {baseline:>10.2f} {1.0:>11.2f}")
    for name, fn in cases.items():
        ms = timed(fn, repeat)
        print(f"{name:<55} {ms:>10.2f} {ms / baseline:>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
