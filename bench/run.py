"""`make bench`: every benchmark, each printing its figures beside a baseline measured in the
same run (so results compare across machines as ratios). Each runs in a process of its own,
on a database of its own (SQLite in var/, or the PostgreSQL database in DATABASE_URL)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = [
    ("hot reads: scope, search, counts", [sys.executable, str(ROOT / "bench" / "reads.py")]),
    ("flash claim of micro-wishes (gunicorn)", [sys.executable, "-m", "bench.wishes_claim", *sys.argv[1:]]),
]


def main() -> int:
    failed = 0
    for title, command in BENCHMARKS:
        print(f"\n== {title}", flush=True)
        failed += subprocess.run(command, cwd=ROOT, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
