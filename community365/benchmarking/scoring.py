"""The arithmetic of scores, pure functions (no database), documented in docs/benchmarking.md.

- A leaf indicator scores 0–100 points:
  - linear: higher is better → (value − floor) ÷ (target − floor) × 100, clamped to 0–100;
    lower is better → (floor − value) ÷ (floor − target) × 100, clamped;
  - thresholds: the points of the best threshold the value reaches ([[value, points], …]);
  - rank: among the communities with a value, 100 × (communities with a worse value) ÷ (n − 1)
    (the best 100, the worst 0, ties share; alone: 100).
- A community without a value on a leaf (no records to measure) gets no points there, and the
  leaf's weight is left out of its parent's weighted mean — neither 0 nor 100.
- A parent's score is the weighted mean of its children's scores; the total is the weighted
  mean of the three dimensions.
- 为民指数 (people) and 服务指数 (service): the weighted mean of the points of the leaves whose
  provider counts in that index (core.indicators ``indices``)."""

from __future__ import annotations

import bisect
import calendar
import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

HUNDRED = Decimal(100)
_KEY = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


def clamp(x: Decimal) -> Decimal:
    return max(Decimal(0), min(HUNDRED, x))


def linear(value: Decimal, floor: Decimal, target: Decimal, direction: str) -> Decimal:
    if target == floor:
        ok = value >= target if direction == "higher" else value <= target
        return HUNDRED if ok else Decimal(0)
    if direction == "higher":
        return clamp((value - floor) / (target - floor) * HUNDRED)
    return clamp((floor - value) / (floor - target) * HUNDRED)


def thresholds(value: Decimal, steps: Sequence[Sequence[float]], direction: str) -> Decimal:
    best = Decimal(0)
    for limit, points in steps:
        lim = Decimal(str(limit))
        reached = value >= lim if direction == "higher" else value <= lim
        if reached:
            best = max(best, Decimal(str(points)))
    return clamp(best)


def by_rank(values: Mapping[int, Decimal], direction: str) -> dict[int, Decimal]:
    """100 × (communities with a worse value) ÷ (n − 1): the best 100, the worst 0, ties share
    (so the many communities tied at nothing get 0, not a high place); alone: 100."""
    n = len(values)
    if n == 1:
        return dict.fromkeys(values, HUNDRED)
    ordered = sorted(values.values())
    out: dict[int, Decimal] = {}
    for cid, v in values.items():
        worse = (
            bisect.bisect_left(ordered, v) if direction == "higher" else n - bisect.bisect_right(ordered, v)
        )
        out[cid] = (Decimal(worse) * HUNDRED / (n - 1)).quantize(Decimal("0.01"))
    return out


def weighted_mean(pairs: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    total = Decimal(0)
    weights = Decimal(0)
    for score, weight in pairs:
        if score is None or weight <= 0:
            continue
        total += score * weight
        weights += weight
    if not weights:
        return None
    return (total / weights).quantize(Decimal("0.01"))


def grade(total: Decimal, bands: Sequence[Mapping[str, object]]) -> str:
    for band in sorted(bands, key=lambda b: -Decimal(str(b["min"]))):
        if total >= Decimal(str(band["min"])):
            return str(band["label"])
    return ""


def ranks(totals: Mapping[int, Decimal]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; ties share a rank."""
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    out: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for i, (cid, total) in enumerate(ordered, start=1):
        if total != previous:
            rank = i
            previous = total
        out[cid] = rank
    return out


# --- periods ------------------------------------------------------------------------------------


def parse_key(key: str) -> tuple[str, datetime.date, datetime.date] | None:
    """'2025' → year; '2025-Q2' → quarter; '2025-03' → month: (kind, first day, last day)."""
    match = _KEY.match((key or "").strip())
    if not match:
        return None
    year = int(match.group(1))
    part = match.group(2)
    if not 2000 <= year <= 2100:
        return None
    if part is None:
        return "year", datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if part.startswith("Q"):
        q = int(part[1])
        first = datetime.date(year, 3 * q - 2, 1)
        last_month = 3 * q
        return "quarter", first, datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])
    month = int(part)
    if not 1 <= month <= 12:
        return None
    return (
        "month",
        datetime.date(year, month, 1),
        datetime.date(year, month, calendar.monthrange(year, month)[1]),
    )


def previous_key(key: str) -> str:
    parsed = parse_key(key)
    assert parsed is not None
    kind, start, _end = parsed
    if kind == "year":
        return str(start.year - 1)
    if kind == "quarter":
        q = (start.month - 1) // 3 + 1
        return f"{start.year}-Q{q - 1}" if q > 1 else f"{start.year - 1}-Q4"
    prev = start - datetime.timedelta(days=1)
    return f"{prev.year}-{prev.month:02d}"


def keys_of_year(year: int, kind: str) -> list[str]:
    if kind == "year":
        return [str(year)]
    if kind == "quarter":
        return [f"{year}-Q{q}" for q in range(1, 5)]
    return [f"{year}-{m:02d}" for m in range(1, 13)]
