"""`make bench`: every benchmark, each printing its figures beside a baseline measured in the
same run (so results compare across machines as ratios)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import wishes_claim

if __name__ == "__main__":
    wishes_claim.main(sys.argv[1:])
